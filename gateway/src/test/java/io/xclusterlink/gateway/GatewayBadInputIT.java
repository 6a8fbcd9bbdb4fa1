package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.Access.answer;
import static io.xclusterlink.gateway.TestFabric.access;
import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.src;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.config.GatewayStartException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input at a gateway's edges gets a clear answer and breaks nothing. */
class GatewayBadInputIT {
  @TempDir Path dir;

  @Test
  void garbageOnTheTunnelPortIsDroppedAndTheGatewayKeepsWorking() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0", "p1")) {
      f.connectAll();
      f.put("p0", f.export("p0", "echo"));
      f.allowAll();
      f.put("p1", imp("echo", null, src("p0", "echo")));
      int port = f.targetPort("p1", "echo");
      await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));

      byte[] junk = new byte[4096];
      new Random(1).nextBytes(junk);
      try (LogCapture logs =
              new LogCapture("io.xclusterlink.gateway.ingress.PeerHandshakeHandler");
          Socket s = new Socket()) {
        s.connect(f.gw("p0").tunnelAddress(), 2000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write(junk);
        out.flush();
        InputStream in = s.getInputStream();
        // the gateway closes the connection without answering anything but a TLS alert at most
        int read = 0;
        byte[] buf = new byte[1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          read += n;
        }
        assertThat(read).isLessThan(64);
        // one line per refused stranger, saying what was wrong and what was expected
        await()
            .untilAsserted(
                () ->
                    assertThat(
                            logs.messages(
                                ch.qos.logback.classic.Level.INFO, "refused connection from"))
                        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                        .endsWith("not TLS (expected: a TLS 1.3 ClientHello)"));
      } catch (java.net.SocketException reset) {
        // a reset is also a fine way to refuse
      }
      assertThat(access(port)).isEqualTo(answer("hello from p0"));
      // meters per import and peer (egress) and per export and peer (ingress), Prometheus-style
      await()
          .untilAsserted(
              () -> {
                assertThat(f.gw("p1").metrics().scrape())
                    .contains(
                        "xcl_tunnels_opened_total{name=\"echo\",namespace=\"default\",peer=\"p0\",side=\"egress\"} 2")
                    .containsPattern(
                        "xcl_tunnel_bytes_total\\{direction=\"from_peer\",name=\"echo\",namespace=\"default\",peer=\"p0\",side=\"egress\"} [1-9]")
                    .contains(
                        "xcl_tunnel_setup_seconds_count{name=\"echo\",namespace=\"default\",peer=\"p0\",side=\"egress\"} 2");
                assertThat(f.gw("p0").metrics().scrape())
                    .contains(
                        "xcl_tunnels_opened_total{name=\"echo\",namespace=\"default\",peer=\"p1\",side=\"ingress\"} 2");
              });
    }
  }

  @Test
  void anImportWhosePortIsBusyBindsOnceThePortIsFreed() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0", "p1")) {
      f.connectAll();
      f.put("p0", f.export("p0", "echo"));
      f.allowAll();
      ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
      int busy = taken.getLocalPort();
      f.put(
          "p1",
          TestFabric.imp("echo", null, src("p0", "echo"))
              .withSpec(
                  TestFabric.imp("echo", null, src("p0", "echo")).spec().withTargetPort(busy)));
      io.xclusterlink.api.ObjectKey key =
          new io.xclusterlink.api.ObjectKey(io.xclusterlink.api.Kind.IMPORT, "default", "echo");
      // stored, not ready, and the condition says why
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          f.gw("p1")
                              .store()
                              .get(key)
                              .flatMap(o -> o.status().condition("ImportTargetPortValid")))
                      .hasValueSatisfying(
                          c -> {
                            assertThat(c.isTrue()).isFalse();
                            assertThat(c.reason()).isEqualTo("PortUnavailable");
                            assertThat(c.message())
                                .contains(String.valueOf(busy))
                                .contains("trying again in");
                          }));
      taken.close();
      // bound without anyone touching the import again
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(access(busy)).isEqualTo(answer("hello from p0")));
      assertThat(
              f.gw("p1")
                  .store()
                  .get(key)
                  .flatMap(o -> o.status().condition("ImportTargetPortValid")))
          .hasValueSatisfying(c -> assertThat(c.isTrue()).isTrue());
    }
  }

  @Test
  void gatewayPortInUseIsAOneLineStartError() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0");
        ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      GatewayConfig clash =
          f.config("p0", Map.of())
              .withListen(new InetSocketAddress("127.0.0.1", taken.getLocalPort()))
              .withStateDir(dir.resolve("state-clash"));
      assertThatThrownBy(() -> new Gateway(clash).start())
          .isInstanceOf(GatewayStartException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("expected: a free port")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void certificateOfAnotherPeerIsAStartError() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0")) {
      GatewayConfig wrong =
          f.config("p0", Map.of()).withPeerName("p9").withStateDir(dir.resolve("state-p9"));
      assertThatThrownBy(() -> new Gateway(wrong).start())
          .isInstanceOf(GatewayStartException.class)
          .hasMessageContaining("names 'p0' (expected: 'p9')");
    }
  }

  @Test
  void missingCredentialsNameTheFile() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0")) {
      Files.delete(dir.resolve("test/p0/tls.key"));
      GatewayConfig again = f.config("p0", Map.of()).withStateDir(dir.resolve("state-again"));
      assertThatThrownBy(() -> new Gateway(again).start())
          .isInstanceOf(GatewayStartException.class)
          .hasMessageContaining("tls.key");
    }
  }

  @Test
  void jdkTlsFallbackCarriesTunnelsToo() throws Exception {
    try (TestFabric f = new TestFabric(dir)) {
      io.xclusterlink.pki.FabricCa.createPeer(
          dir, "test", "a", io.xclusterlink.pki.KeyType.EC_P256);
      io.xclusterlink.pki.FabricCa.createPeer(
          dir, "test", "b", io.xclusterlink.pki.KeyType.RSA_2048);
      f.backends.put("a", new EchoServer("hello from a"));
      for (String p : new String[] {"a", "b"}) {
        Gateway g = new Gateway(f.config(p, Map.of()).withPreferOpenSsl(false)).start();
        f.gateways.put(p, g);
      }
      f.connectAll();
      f.put("a", f.export("a", "echo"));
      f.allowAll();
      f.put("b", imp("echo", null, src("a", "echo")));
      int port = f.targetPort("b", "echo");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from a")));
    }
  }
}
