package io.xclusterlink.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a gateway's admin API on 127.0.0.1: answers scripted responses keyed by {@code
 * METHOD /path?query} and records every request. Unscripted requests get a 404 with an error.
 */
public final class FakeAdminServer implements AutoCloseable {
  /** One request as the server saw it. */
  public record Request(String method, String pathAndQuery, String contentType, String body) {}

  private record Response(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Response> responses = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public FakeAdminServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers {@code method pathAndQuery} with {@code status} and a JSON body. */
  public FakeAdminServer respond(String method, String pathAndQuery, int status, String json) {
    responses.put(method + " " + pathAndQuery, new Response(status, json));
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestURI().getRawQuery() != null) {
        target += "?" + exchange.getRequestURI().getRawQuery();
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              target,
              exchange.getRequestHeaders().getFirst("Content-Type"),
              body));
      Response r =
          responses.getOrDefault(
              exchange.getRequestMethod() + " " + target,
              new Response(404, "{\"error\":\"no such route: " + target + "\"}"));
      byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
