package io.xclusterlink.api;

import java.util.Optional;

/**
 * An object, a document or a request that does not satisfy the API's rules. The message is one line
 * that names the field, the value and what was expected; when the object could be named (a value
 * refused while reading a document whose kind and name are known), {@link #key()} says which, so
 * that the caller can tell whether a stored version stays in force.
 */
public class InvalidObjectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ObjectKey key;

  public InvalidObjectException(String message) {
    this(message, null);
  }

  public InvalidObjectException(String message, ObjectKey key) {
    super(message);
    this.key = key;
  }

  /** The object the message is about, when it is known. */
  public Optional<ObjectKey> key() {
    return Optional.ofNullable(key);
  }
}
