package io.xclusterlink.admin;

/** The admin API cannot start, e.g. its address is in use; the message is one line. */
public class AdminStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AdminStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
