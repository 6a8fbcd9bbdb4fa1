package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.src;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Export;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP half-close through two real gateways on 127.0.0.1 (p1 imports from p0): a FIN from the client
 * or from the backend ends only its own direction, and the other one still carries every byte.
 * Sizes cross the 1 MiB stream window, so flow control runs while a direction is ended. One test
 * uses real programs: a {@code python3} client that half-closes, against {@code python3 -m
 * http.server} (skipped without python3).
 */
class HalfCloseIT {
  private static final int BULK = (1 << 20) + 12_345;

  @TempDir Path dir;
  TestFabric f;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "half-close-backend");
            t.setDaemon(true);
            return t;
          });

  @BeforeEach
  void setUp() throws Exception {
    f = new TestFabric(dir, "p0", "p1");
    f.connectAll();
    f.allowAll();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p1", "p0"));
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    threads.shutdownNow();
  }

  /** What a test backend does with one connection; the connection is closed after it. */
  private interface Serve {
    void on(Socket s) throws IOException;
  }

  /** A backend on 127.0.0.1 that serves each connection on a thread of its own. */
  private int backend(Serve serve) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    f.extras.add(server);
    threads.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket s = server.accept();
              threads.execute(
                  () -> {
                    try (s) {
                      serve.on(s);
                    } catch (IOException ignored) {
                      // the test sees what went missing
                    }
                  });
            } catch (IOException e) {
              return;
            }
          }
        });
    return server.getLocalPort();
  }

  /**
   * p0 exports 127.0.0.1:{@code backendPort} as {@code name}, p1 imports it; returns the import's
   * port.
   */
  private int importOf(String name, int backendPort) {
    f.put(
        "p0",
        new Export(
            ObjectMeta.of(name, "default"),
            new Export.Spec("127.0.0.1", backendPort),
            Status.EMPTY));
    f.put("p1", imp(name, null, src("p0", name)));
    int port = f.targetPort("p1", name);
    f.sync("p0", "p1");
    return port;
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(15_000);
    return s;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  private void awaitTunnelsClosed() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(f.gw("p1").metrics().summary()).containsEntry("egressTunnelsActive", 0L);
              assertThat(f.gw("p0").metrics().summary()).containsEntry("ingressTunnelsActive", 0L);
            });
  }

  @Test
  void aClientThatShutsDownItsOutputReadsTheWholeAnswerFromABackendThatReadsToTheEnd()
      throws Exception {
    byte[] request = random(BULK);
    byte[] answer = random(BULK);
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    int port =
        importOf(
            "reads-to-eof",
            backend(
                s -> {
                  received.complete(s.getInputStream().readAllBytes());
                  s.getOutputStream().write(answer);
                }));

    try (Socket client = connect(port)) {
      client.getOutputStream().write(request);
      client.shutdownOutput();
      byte[] got = client.getInputStream().readAllBytes();
      assertThat(got.length).as("answer bytes").isEqualTo(answer.length);
      assertThat(Arrays.equals(got, answer)).as("answer intact").isTrue();
    }
    byte[] backendGot = received.get(10, TimeUnit.SECONDS);
    assertThat(backendGot.length).as("request bytes").isEqualTo(request.length);
    assertThat(Arrays.equals(backendGot, request)).as("request intact").isTrue();
    awaitTunnelsClosed();
  }

  @Test
  void aClientThatReadsOnlyOnceEveryBufferOnTheWayIsFullStillGetsEveryByteAfterItsFin()
      throws Exception {
    int answerBytes = 32 << 20;
    AtomicLong written = new AtomicLong();
    int port =
        importOf(
            "big-answer",
            backend(
                s -> {
                  s.getInputStream().readAllBytes();
                  byte[] chunk = new byte[64 * 1024];
                  Arrays.fill(chunk, (byte) 'x');
                  for (int sent = 0; sent < answerBytes; sent += chunk.length) {
                    s.getOutputStream().write(chunk);
                    written.addAndGet(chunk.length);
                  }
                }));

    try (Socket client = connect(port)) {
      client.getOutputStream().write("send me a lot\n".getBytes(UTF_8));
      client.shutdownOutput();
      // the backend blocks once the tunnel's windows and both gateways' socket buffers are full:
      // the importing gateway's writes to this client had to wait for the socket to drain
      long[] last = {-1};
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> {
                long now = written.get();
                boolean stalled = now > 0 && now == last[0];
                last[0] = now;
                return stalled;
              });
      assertThat(written.get()).as("the backend is blocked before the end").isLessThan(answerBytes);
      long got = 0;
      InputStream in = client.getInputStream();
      byte[] buf = new byte[256 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        got += n;
      }
      assertThat(got).as("answer bytes").isEqualTo(answerBytes);
    }
    awaitTunnelsClosed();
  }

  @Test
  void aBackendThatShutsDownItsOutputStillReadsEverythingTheClientSendsAfterwards()
      throws Exception {
    byte[] upload = random(BULK);
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    int port =
        importOf(
            "greets-and-listens",
            backend(
                s -> {
                  s.getOutputStream().write("hello, send me your bytes\n".getBytes(UTF_8));
                  s.shutdownOutput();
                  received.complete(s.getInputStream().readAllBytes());
                }));

    try (Socket client = connect(port)) {
      InputStream in = client.getInputStream();
      assertThat(new String(in.readAllBytes(), UTF_8))
          .as("the greeting, then EOF")
          .isEqualTo("hello, send me your bytes\n");
      client.getOutputStream().write(upload);
      client.shutdownOutput();
      byte[] backendGot = received.get(10, TimeUnit.SECONDS);
      assertThat(backendGot.length).as("upload bytes").isEqualTo(upload.length);
      assertThat(Arrays.equals(backendGot, upload)).as("upload intact").isTrue();
    }
    awaitTunnelsClosed();
  }

  private static final String HALF_CLOSING_CLIENT =
      """
      import socket, sys
      s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
      s.sendall(b'GET /index.html HTTP/1.0\\r\\n\\r\\n')
      s.shutdown(socket.SHUT_WR)
      data = b''
      while True:
          b = s.recv(65536)
          if not b:
              break
          data += b
      sys.stdout.write(data.decode())
      """;

  @Test
  void pythonsHttpServerAnswersAnHttp10ClientThatHalfClosesThroughTheImport() throws Exception {
    Assumptions.assumeTrue(runs("python3", "--version"), "python3 on the PATH");
    Path www = Files.createDirectories(dir.resolve("www"));
    String page = "<html><body>through the tunnel, after a FIN</body></html>\n";
    Files.writeString(www.resolve("index.html"), page);
    int backendPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      backendPort = probe.getLocalPort();
    }
    Process server =
        new ProcessBuilder(
                "python3",
                "-m",
                "http.server",
                String.valueOf(backendPort),
                "--bind",
                "127.0.0.1",
                "--directory",
                www.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("http-server.log").toFile())
            .start();
    f.extras.add(() -> server.destroyForcibly().waitFor(5, TimeUnit.SECONDS));
    await().atMost(Duration.ofSeconds(10)).until(() -> listening(backendPort));
    int port = importOf("web", backendPort);

    Process client =
        new ProcessBuilder("python3", "-c", HALF_CLOSING_CLIENT, String.valueOf(port))
            .redirectErrorStream(true)
            .start();
    assertThat(client.waitFor(20, TimeUnit.SECONDS)).as("client finished").isTrue();
    String out = new String(client.getInputStream().readAllBytes(), UTF_8);
    assertThat(out).startsWith("HTTP/1.0 200").endsWith(page);
    awaitTunnelsClosed();
  }

  private static boolean runs(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
