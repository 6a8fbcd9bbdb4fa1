package io.xclusterlink.agent.objects;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the agent's metrics ({@code GET /metrics}, Prometheus text) on a Unix socket of mode 0600:
 * no open port, and only the node's operator (or a scraper sidecar running as them) reads it. One
 * request per connection, answered with {@code Connection: close}; a request head larger than 8 KiB
 * is refused. The serving thread is started by the caller's thread and so shares its network
 * namespace, where the kernel counters are read.
 */
public final class MetricsSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsSocket.class);
  private static final int MAX_HEAD = 8 << 10;

  private final Path path;
  private final ServerSocketChannel server;
  private final Thread thread;

  private MetricsSocket(Path path, ServerSocketChannel server, Supplier<String> text) {
    this.path = path;
    this.server = server;
    this.thread = new Thread(() -> serve(text), "xcl-agent-metrics");
    this.thread.setDaemon(true);
  }

  /** Binds {@code path} (replacing a stale socket file), makes it 0600 and starts serving. */
  public static MetricsSocket start(Path path, Supplier<String> text) throws IOException {
    Files.deleteIfExists(path);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    MetricsSocket m = new MetricsSocket(path, server, text);
    m.thread.start();
    return m;
  }

  private void serve(Supplier<String> text) {
    while (server.isOpen()) {
      try (SocketChannel ch = server.accept()) {
        String head = readHead(ch);
        String status;
        String body;
        if (head == null) {
          status = "431 Request Header Fields Too Large";
          body = "request head larger than 8 KiB\n";
        } else if (head.startsWith("GET /metrics ") || head.startsWith("GET / ")) {
          status = "200 OK";
          body = text.get();
        } else {
          status = "404 Not Found";
          body = "only GET /metrics\n";
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String answer =
            "HTTP/1.1 "
                + status
                + "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: "
                + b.length
                + "\r\nConnection: close\r\n\r\n";
        ByteBuffer out = ByteBuffer.allocate(answer.length() + b.length);
        out.put(answer.getBytes(StandardCharsets.US_ASCII)).put(b).flip();
        while (out.hasRemaining()) {
          ch.write(out);
        }
      } catch (IOException | RuntimeException e) {
        if (server.isOpen()) {
          log.debug("metrics request failed: {}", e.toString());
        }
      }
    }
  }

  private static String readHead(SocketChannel ch) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
    while (in.hasRemaining()) {
      if (ch.read(in) < 0) {
        break;
      }
      String s = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
      if (s.contains("\r\n\r\n")) {
        return s;
      }
    }
    return in.hasRemaining()
        ? new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII)
        : null;
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("closing the metrics socket: {}", e.toString());
    }
  }
}
