package io.xclusterlink.store;

/**
 * A store cannot read or write its state; the message is one line naming the file and the problem.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
