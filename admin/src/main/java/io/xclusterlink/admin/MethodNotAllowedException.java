package io.xclusterlink.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.stream.Collectors;

/** A known path asked with a method it does not serve: answered with 405 and an Allow header. */
final class MethodNotAllowedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String allow;

  MethodNotAllowedException(HttpMethod method, String path, List<HttpMethod> allowed) {
    super(
        method
            + " "
            + path
            + ": method not allowed (expected: "
            + allowed.stream().map(HttpMethod::name).collect(Collectors.joining(" or "))
            + ")");
    this.allow = allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
  }

  /** The value of the Allow header. */
  String allow() {
    return allow;
  }
}
