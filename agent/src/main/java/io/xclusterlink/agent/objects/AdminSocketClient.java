package io.xclusterlink.agent.objects;

import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.TunnelStatus;
import io.xclusterlink.api.XclObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal client of a gateway's admin API over its Unix socket: one HTTP/1.1 request per
 * connection ({@code Connection: close}), JDK sockets only, so the agent needs no HTTP library. The
 * socket is the gateway's (mode 0600): whoever may open it is trusted, as with {@code xcl}.
 * Failures are {@link IOException}s with one line: the gateway's own {@code error} text when it
 * refused. Thread-safe.
 */
public final class AdminSocketClient implements ObjectSource {
  private static final int MAX_ANSWER = 64 << 20;
  private final Path socket;

  public AdminSocketClient(Path socket) {
    this.socket = socket;
  }

  @Override
  public List<XclObject> list(Kind kind) throws IOException {
    JsonNode items = ObjectCodec.json().readTree(request("GET", "/v1/" + kind.plural(), null));
    List<XclObject> out = new ArrayList<>();
    for (JsonNode item : items.path("items")) {
      out.add(ObjectCodec.fromTree(item));
    }
    return out;
  }

  @Override
  public void apply(XclObject object) throws IOException {
    request("POST", "/v1/apply", ObjectCodec.toJson(object));
  }

  @Override
  public void report(ObjectKey tunnel, TunnelStatus report) throws IOException {
    request(
        "PUT",
        "/v1/"
            + tunnel.kind().plural()
            + "/"
            + URLEncoder.encode(tunnel.name(), StandardCharsets.UTF_8)
            + "/status?namespace="
            + URLEncoder.encode(tunnel.namespace(), StandardCharsets.UTF_8),
        ObjectCodec.json().writeValueAsString(report));
  }

  @Override
  public void pushMetrics(AgentMetrics metrics) throws IOException {
    request(
        "PUT",
        "/v1/agents/" + URLEncoder.encode(metrics.node(), StandardCharsets.UTF_8) + "/metrics",
        ObjectCodec.json().writeValueAsString(metrics));
  }

  /** Sends one request; returns the body of a 2xx answer. */
  public String request(String method, String path, String body) throws IOException {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + content.length
            + "\r\n\r\n";
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.allocate(head.length() + content.length);
      out.put(head.getBytes(StandardCharsets.US_ASCII)).put(content).flip();
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ByteBuffer in = ByteBuffer.allocate(1 << 16);
      while (ch.read(in) >= 0) {
        in.flip();
        answer.write(in.array(), 0, in.limit());
        in.clear();
        if (answer.size() > MAX_ANSWER) {
          throw new IOException("admin API at " + socket + ": answer larger than 64 MiB");
        }
      }
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("admin API")) {
        throw e;
      }
      throw new IOException(
          "admin API at " + socket + ": " + method + " " + path + ": " + e.getMessage(), e);
    }
    String text = answer.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      throw new IOException("admin API at " + socket + ": not an HTTP answer");
    }
    int status = Integer.parseInt(text.substring(9, 12));
    String payload = text.substring(end + 4);
    if (status / 100 != 2) {
      String error;
      try {
        error = ObjectCodec.json().readTree(payload).path("error").asText(payload);
      } catch (IOException e) {
        error = payload;
      }
      throw new IOException(
          "admin API: " + method + " " + path + ": " + status + " " + error.strip());
    }
    return payload;
  }
}
