package io.xclusterlink.gateway.transport;

/** Turns a failure into the one line that logs, status conditions and refusals carry. */
public final class Failures {
  private Failures() {}

  /** The innermost cause's message on one line (its class name when it has none). */
  public static String describe(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    return m.replaceAll("[\\r\\n]+", " ");
  }
}
