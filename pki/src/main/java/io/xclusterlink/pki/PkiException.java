package io.xclusterlink.pki;

/** A certificate or key problem; the message is one line naming the file or value and what was expected. */
public class PkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
