package io.xclusterlink.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The probe listener on 127.0.0.1: two paths, GET only, one request per connection, bounded. */
class HealthServerIT {
  final AtomicBoolean ready = new AtomicBoolean();
  HealthServer server;

  @BeforeEach
  void start() {
    server =
        new HealthServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ready::get)
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String exchange(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private String get(String path) throws IOException {
    return exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  @Test
  void healthzAnswersWhileReadyzWaitsForTheGateway() throws IOException {
    assertThat(get("/healthz")).startsWith("HTTP/1.1 200");
    assertThat(get("/readyz")).startsWith("HTTP/1.1 503");
    ready.set(true);
    assertThat(get("/readyz")).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
  }

  @Test
  void answersNothingElse() throws IOException {
    ready.set(true);
    assertThat(get("/v1/status")).startsWith("HTTP/1.1 404");
    assertThat(get("/healthz?verbose")).startsWith("HTTP/1.1 404");
    assertThat(exchange("POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 405");
    // a request line beyond the limit is refused, not buffered
    assertThat(get("/" + "a".repeat(5000))).doesNotContain("200 OK");
  }

  @Test
  void closesAConnectionThatSendsNothingAndCapsOpenConnections() throws IOException {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < HealthServer.MAX_CONNECTIONS + 4; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(10_000);
        idle.add(s);
      }
      // the connections beyond the cap are closed at once: they read EOF without a timeout
      int closedEarly = 0;
      for (Socket s : idle.subList(HealthServer.MAX_CONNECTIONS, idle.size())) {
        if (s.getInputStream().read() == -1) {
          closedEarly++;
        }
      }
      assertThat(closedEarly).isEqualTo(4);
      // the others are closed by the timeout (they never sent a request)
      assertThat(idle.get(0).getInputStream().read()).isEqualTo(-1);
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }
}
