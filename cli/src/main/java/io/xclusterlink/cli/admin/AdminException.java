package io.xclusterlink.cli.admin;

/**
 * A request to the admin API failed: the gateway refused it (its one-line message), did not answer,
 * or answered something this CLI does not understand.
 */
public class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public AdminException(String message, int status) {
    super(message);
    this.status = status;
  }

  public AdminException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status the gateway answered, or 0 when there was no answer. */
  public int status() {
    return status;
  }
}
