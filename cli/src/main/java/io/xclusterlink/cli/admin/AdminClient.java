package io.xclusterlink.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of one gateway's admin REST API ({@code /v1/...}, JSON). Every failure is an {@link
 * AdminException} with a one-line message: the gateway's own {@code error} text when it refused a
 * request, or what went wrong on the way. Construction does no I/O; instances are thread-safe.
 */
public final class AdminClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final HttpClient http;

  /** A client of the admin API at {@code base}, e.g. {@code http://127.0.0.1:9443}. */
  public AdminClient(URI base) {
    this.base = base;
    // The admin server speaks HTTP/1.1; asking for an h2c upgrade would only cost a round trip.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  public URI base() {
    return base;
  }

  /** Applies a multi-document YAML stream; all or nothing on the gateway's side. */
  public List<ApplyResult> apply(String yaml) {
    JsonNode answer =
        send(
            HttpRequest.newBuilder(uri("/v1/apply", null))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8)));
    List<ApplyResult> out = new ArrayList<>();
    for (JsonNode r : answer.path("results")) {
      JsonNode obj = r.path("object");
      out.add(
          new ApplyResult(
              r.path("kind").asText(""),
              textOrNull(r.path("namespace")),
              r.path("name").asText(""),
              r.path("result").asText(""),
              obj.isObject() ? objectOrNull(obj) : null));
    }
    return out;
  }

  /** The objects of a kind in a namespace, or in all namespaces when {@code namespace} is null. */
  public List<XclObject> list(Kind kind, String namespace) {
    JsonNode answer = send(HttpRequest.newBuilder(uri("/v1/" + kind.plural(), namespace)).GET());
    List<XclObject> out = new ArrayList<>();
    for (JsonNode item : answer.path("items")) {
      out.add(object(item));
    }
    return out;
  }

  /** One object; an {@link AdminException} with status 404 when there is none. */
  public XclObject get(Kind kind, String namespace, String name) {
    return object(send(HttpRequest.newBuilder(uri(path(kind, name), namespace)).GET()));
  }

  /** Deletes one object; an {@link AdminException} with status 404 when there is none. */
  public void delete(Kind kind, String namespace, String name) {
    send(HttpRequest.newBuilder(uri(path(kind, name), namespace)).DELETE());
  }

  /** The gateway's status answer as a tree (peers, imports, exports, counters, ...). */
  public JsonNode status() {
    return send(HttpRequest.newBuilder(uri("/v1/status", null)).GET());
  }

  private static String path(Kind kind, String name) {
    return "/v1/" + kind.plural() + "/" + encode(name);
  }

  private URI uri(String path, String namespace) {
    String query = namespace == null ? "" : "?namespace=" + encode(namespace);
    return URI.create(base + path + query);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpRequest req = request.timeout(REQUEST_TIMEOUT).header("Accept", "application/json").build();
    HttpResponse<String> response;
    try {
      response = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException | ConnectException | UnresolvedAddressException e) {
      throw unreachable(e);
    } catch (HttpTimeoutException e) {
      throw new AdminException(
          "the gateway admin API at " + base + " did not answer within "
              + REQUEST_TIMEOUT.toSeconds() + "s",
          e);
    } catch (IOException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
        throw unreachable(e);
      }
      throw new AdminException(
          "request to the gateway admin API at " + base + " failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted while waiting for the gateway admin API at " + base, e);
    }
    int status = response.statusCode();
    JsonNode body = parse(response.body());
    if (status >= 200 && status < 300) {
      if (body == null) {
        throw new AdminException(
            "unexpected answer from " + req.uri() + ": not JSON (is " + base + " an xcl gateway's admin API?)",
            status);
      }
      return body;
    }
    String error = body == null ? "" : body.path("error").asText("");
    if (error.isBlank()) {
      error = "HTTP " + status + " from " + req.method() + " " + req.uri().getPath();
    }
    throw new AdminException(firstLine(error), status);
  }

  private AdminException unreachable(Exception e) {
    return new AdminException(
        "cannot reach the gateway admin API at " + base + " (is `xcl gateway start` running?)", e);
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return ObjectCodec.json().createObjectNode();
    }
    try {
      return ObjectCodec.json().readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private XclObject object(JsonNode node) {
    try {
      return ObjectCodec.fromTree(node);
    } catch (InvalidObjectException e) {
      throw new AdminException(
          "unexpected object from the gateway admin API at " + base + ": " + e.getMessage(), 0);
    }
  }

  /** The applied object is extra information: an answer this CLI cannot map is not a failure. */
  private static XclObject objectOrNull(JsonNode node) {
    try {
      return ObjectCodec.fromTree(node);
    } catch (InvalidObjectException e) {
      return null;
    }
  }

  private static String textOrNull(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : firstLine(m);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
