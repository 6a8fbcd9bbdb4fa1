package io.xclusterlink.admin;

/** A request names a path, kind or object that does not exist: answered with 404. */
final class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  NotFoundException(String message) {
    super(message);
  }
}
