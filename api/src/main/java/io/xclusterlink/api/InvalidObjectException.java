package io.xclusterlink.api;

/**
 * An object, a document or a request that does not satisfy the API's rules. The message is one line
 * that names the field, the value and what was expected.
 */
public class InvalidObjectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidObjectException(String message) {
    super(message);
  }
}
