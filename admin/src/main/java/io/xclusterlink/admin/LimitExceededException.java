package io.xclusterlink.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request within the API's rules that goes over one of a route's bounds: a body larger than the
 * route takes (413), or a table that is full until entries expire (409). The message names the
 * bound.
 */
final class LimitExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient HttpResponseStatus status;

  private LimitExceededException(HttpResponseStatus status, String message) {
    super(message);
    this.status = status;
  }

  /** The body is larger than the route takes. */
  static LimitExceededException tooLarge(String message) {
    return new LimitExceededException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, message);
  }

  /** The table the request would add to is full; it frees up as entries expire. */
  static LimitExceededException full(String message) {
    return new LimitExceededException(HttpResponseStatus.CONFLICT, message);
  }

  HttpResponseStatus status() {
    return status;
  }
}
