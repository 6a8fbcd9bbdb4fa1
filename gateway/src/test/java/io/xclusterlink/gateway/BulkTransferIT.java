package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.src;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk data through two real gateways: several tunnels at once share one pooled connection's flow
 * control, large DATA frames arrive split over many TLS records, and every byte must come back
 * intact and in order.
 */
class BulkTransferIT {
  private static final int TUNNELS = 4;
  private static final int BYTES_PER_TUNNEL = 8 << 20;

  @TempDir Path dir;
  TestFabric f;
  ExecutorService threads;

  @BeforeEach
  void setUp() throws Exception {
    f = new TestFabric(dir, "p0", "p1");
    f.connectAll();
    f.put("p1", f.export("p1", "svc"));
    f.allowAll();
    f.put("p0", imp("svc", "round-robin", src("p1", "svc")));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p0", "p1"));
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    f.close();
  }

  @Test
  void concurrentTunnelsCarryEveryByteIntactInBothDirections() throws Exception {
    int port = f.targetPort("p0", "svc");
    List<CompletableFuture<byte[][]>> runs = new ArrayList<>();
    for (int i = 0; i < TUNNELS; i++) {
      long seed = 42 + i;
      runs.add(CompletableFuture.supplyAsync(() -> echoThrough(port, seed), threads));
    }
    for (CompletableFuture<byte[][]> run : runs) {
      byte[][] digests = run.get(90, TimeUnit.SECONDS);
      assertThat(digests[1]).as("SHA-256 of the bytes echoed back").isEqualTo(digests[0]);
    }
  }

  /**
   * Sends BYTES_PER_TUNNEL seeded random bytes while reading the echo; returns {sent, received}
   * digests.
   */
  private byte[][] echoThrough(int port, long seed) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      String greeting = readLine(in);
      assertThat(greeting).isEqualTo("hello from p1");
      CompletableFuture<byte[]> sent =
          CompletableFuture.supplyAsync(() -> send(out, seed), threads);
      MessageDigest received = MessageDigest.getInstance("SHA-256");
      DataInputStream data = new DataInputStream(in);
      byte[] buf = new byte[64 * 1024];
      int left = BYTES_PER_TUNNEL;
      while (left > 0) {
        int n = Math.min(left, buf.length);
        data.readFully(buf, 0, n);
        received.update(buf, 0, n);
        left -= n;
      }
      return new byte[][] {sent.get(60, TimeUnit.SECONDS), received.digest()};
    } catch (Exception e) {
      throw new AssertionError("tunnel with seed " + seed + " failed: " + e, e);
    }
  }

  private static byte[] send(OutputStream out, long seed) {
    try {
      MessageDigest sent = MessageDigest.getInstance("SHA-256");
      SplittableRandom random = new SplittableRandom(seed);
      // uneven write sizes, so frames and TLS records never line up with the writes
      byte[] buf = new byte[100_003];
      int left = BYTES_PER_TUNNEL;
      while (left > 0) {
        int n = Math.min(left, 1 + random.nextInt(buf.length));
        for (int i = 0; i < n; i++) {
          buf[i] = (byte) random.nextInt(256);
        }
        out.write(buf, 0, n);
        sent.update(buf, 0, n);
        left -= n;
      }
      out.flush();
      return sent.digest();
    } catch (Exception e) {
      throw new AssertionError("sending failed: " + e, e);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    return new String(
        line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
