package io.xclusterlink.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.xclusterlink.api.ObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One answer of the admin API: status, content type, body and any extra headers. */
record AdminResponse(
    HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json; charset=utf-8";
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** A JSON answer; {@code value} is a Jackson tree or anything the shared mapper can write. */
  static AdminResponse json(HttpResponseStatus status, Object value) {
    try {
      return new AdminResponse(status, JSON, ObjectCodec.json().writeValueAsBytes(value), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "answer cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  static AdminResponse text(String text) {
    return new AdminResponse(
        HttpResponseStatus.OK, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** {@code {"error": "<message>"}} */
  static AdminResponse error(HttpResponseStatus status, String message) {
    return json(status, Map.of("error", message));
  }

  AdminResponse withHeader(String name, String value) {
    return new AdminResponse(status, contentType, body, Map.of(name, value));
  }

  FullHttpResponse toHttp() {
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    headers.forEach(res.headers()::set);
    return res;
  }
}
