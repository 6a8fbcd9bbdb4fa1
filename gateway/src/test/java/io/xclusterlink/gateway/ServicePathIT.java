package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.TestFabric.access;
import static io.xclusterlink.gateway.TestFabric.any;
import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.match;
import static io.xclusterlink.gateway.TestFabric.policy;
import static io.xclusterlink.gateway.TestFabric.privileged;
import static io.xclusterlink.gateway.TestFabric.src;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenarios of semantics.md with three real gateways on 127.0.0.1 in one JVM. */
class ServicePathIT {
  @TempDir Path dir;
  TestFabric f;

  @BeforeEach
  void setUp() throws Exception {
    f = new TestFabric(dir, "p0", "p1", "p2");
    f.connectAll();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p1", "p0") && f.reachable("p0", "p2") && f.reachable("p0", "p1"));
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private static ObjectKey key(Kind k, String name) {
    return new ObjectKey(k, k.namespaced() ? "default" : null, name);
  }

  /** p0 imports "svc" from all three peers (including itself). */
  private int importFromAll(String scheme) {
    f.put("p0", TestFabric.peer("p0", f.gw("p0").tunnelAddress().getPort()));
    for (String p : List.of("p0", "p1", "p2")) {
      f.put(p, f.export(p, "svc"));
    }
    f.allowAll();
    f.put("p0", imp("svc", scheme, src("p0", "svc"), src("p1", "svc"), src("p2", "svc")));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p0", "p0"));
    return f.targetPort("p0", "svc");
  }

  private static Map<String, Integer> spread(int port, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(String.valueOf(access(port)), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void clientOnOnePeerReadsExportOfAnother() {
    f.put("p0", f.export("p0", "echo"));
    f.allowAll();
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    assertThat(port).isBetween(1024, 49151);
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));
    assertThat(f.gw("p1").metrics().summary()).containsEntry("egressTunnelsOpened", 1L);
  }

  @Test
  void defaultDenyResetsTheClient() {
    f.put("p0", f.export("p0", "echo"));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    assertThat(access(port)).isNull();
    // allowed on the egress side only: the ingress side still denies
    f.put("p1", policy("allow-all", "allow", any(), any()));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isNull();
    f.put("p0", policy("allow-all", "allow", any(), any()));
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));
  }

  @Test
  void certificatesFromAnotherFabricCutThePeerOffAndRestoringThemHeals() throws Exception {
    f.put("p0", f.export("p0", "echo"));
    f.allowAll();
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));

    Path p0Dir = dir.resolve("test/p0");
    Path backup = Files.createDirectories(dir.resolve("backup"));
    for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
      Files.copy(p0Dir.resolve(file), backup.resolve(file));
    }
    Path other = dir.resolve("other-fabrics");
    FabricCa.createFabric(other, "rogue", KeyType.EC_P256);
    FabricCa.createPeer(other, "rogue", "p0", KeyType.EC_P256);
    for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
      Files.copy(other.resolve("rogue/p0").resolve(file), p0Dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> !f.reachable("p1", "p0"));
    assertThat(access(port)).isNull();

    for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
      Files.copy(backup.resolve(file), p0Dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> f.reachable("p1", "p0"));
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));
  }

  @Test
  void exportWhoseBackendAppearsLaterStartsWorking() throws Exception {
    int backendPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      backendPort = probe.getLocalPort();
    }
    f.put("p0", new io.xclusterlink.api.Export(io.xclusterlink.api.ObjectMeta.of("late", "default"),
        new io.xclusterlink.api.Export.Spec("127.0.0.1", backendPort), io.xclusterlink.api.Status.EMPTY));
    f.allowAll();
    f.put("p1", imp("late", null, src("p0", "late")));
    int port = f.targetPort("p1", "late");
    assertThat(access(port)).isNull();
    assertThat(f.gw("p0").store().get(key(Kind.EXPORT, "late")).orElseThrow().status().condition("ExportValid")).isPresent();
    try (EchoServer late = new EchoServer("late backend", backendPort)) {
      await().untilAsserted(() -> assertThat(access(port)).isEqualTo("late backend"));
    }
  }

  @Test
  void secondImportOnSamePortWaitsUntilTheHolderIsDeleted() throws Exception {
    f.put("p0", f.export("p0", "echo"));
    f.allowAll();
    f.put("p1", imp("a", null, src("p0", "echo")));
    int port = f.targetPort("p1", "a");
    Import b = imp("b", null, src("p0", "echo"));
    f.put("p1", b.withSpec(b.spec().withTargetPort(port)));
    await().untilAsserted(() -> assertThat(f.gw("p1").store().get(key(Kind.IMPORT, "b")).orElseThrow()
        .status().condition("ImportTargetPortValid").orElseThrow())
        .satisfies(c -> {
          assertThat(c.isTrue()).isFalse();
          assertThat(c.message()).contains("held by Import default/a");
        }));
    f.gw("p1").store().delete(key(Kind.IMPORT, "a"));
    await().untilAsserted(() -> assertThat(f.gw("p1").store().get(key(Kind.IMPORT, "b")).orElseThrow()
        .status().condition("ImportTargetPortValid").orElseThrow().isTrue()).isTrue());
    assertThat(access(port)).isEqualTo("hello from p0");
    f.gw("p1").store().delete(key(Kind.IMPORT, "b"));
    await().untilAsserted(() -> {
      try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    });
  }

  @Test
  void roundRobinRotatesAndSkipsSourcesWhoseExportIsGone() {
    int port = importFromAll(null);
    Map<String, Integer> c = spread(port, 30);
    assertThat(c).containsOnlyKeys("hello from p0", "hello from p1", "hello from p2");
    assertThat(c.values()).allSatisfy(n -> assertThat(n).isEqualTo(10));

    f.gw("p2").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p2").controlPlane().sync();
    c = spread(port, 30);
    assertThat(c).containsOnlyKeys("hello from p0", "hello from p1");
    assertThat(c.values()).allSatisfy(n -> assertThat(n).isBetween(13, 17));

    f.gw("p1").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p1").controlPlane().sync();
    assertThat(spread(port, 10)).containsOnlyKeys("hello from p0");
  }

  @Test
  void staticFailsOverInListOrder() {
    int port = importFromAll("static");
    assertThat(spread(port, 10)).containsOnlyKeys("hello from p0");
    f.gw("p0").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p0").controlPlane().sync();
    assertThat(spread(port, 10)).containsOnlyKeys("hello from p1");
    f.gw("p1").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p1").controlPlane().sync();
    assertThat(spread(port, 10)).containsOnlyKeys("hello from p2");
    f.gw("p2").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p2").controlPlane().sync();
    assertThat(access(port)).isNull();
  }

  @Test
  void randomReachesEverySourceAndOnlyTheRemainingOnes() {
    int port = importFromAll("random");
    assertThat(spread(port, 100)).containsOnlyKeys("hello from p0", "hello from p1", "hello from p2");
    f.gw("p1").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p1").controlPlane().sync();
    assertThat(spread(port, 50)).containsOnlyKeys("hello from p0", "hello from p2");
  }

  @Test
  void peerStatusFollowsAGatewayThatStopsAndStarts() {
    int p2Port = f.gw("p2").tunnelAddress().getPort();
    f.gw("p2").close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !f.reachable("p0", "p2"));
    assertThat(f.gw("p0").store().get(key(Kind.PEER, "p2")).orElseThrow().status().condition("PeerReachable").orElseThrow().reason())
        .isEqualTo("HeartbeatFailed");
    GatewayConfig again = f.config("p2", Map.of("name", "p2"));
    Gateway restarted = new Gateway(new GatewayConfig(again.peerName(), again.credentialsDir(),
        new java.net.InetSocketAddress("127.0.0.1", p2Port), again.admin(), again.stateDir(), Map.of("name", "p2", "zone", "b"),
        again.importAddress(), null, again.heartbeatInterval(), again.heartbeatIntervalUnreachable(), 5, 3, true)).start();
    f.gateways.put("p2", restarted);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p0", "p2"));
    // labels are refreshed from the heartbeat answers
    await().untilAsserted(() -> assertThat(f.gw("p0").store().get(key(Kind.PEER, "p2")).orElseThrow().status().labels())
        .containsEntry("zone", "b"));
  }

  @Test
  void peerWithOneBadAndOneGoodAddressIsReachable() throws Exception {
    int bad;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      bad = probe.getLocalPort();
    }
    f.put("p1", TestFabric.peer("p0", bad, f.gw("p0").tunnelAddress().getPort()));
    f.put("p1", TestFabric.peer("p2", bad));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p1", "p0") && !f.reachable("p1", "p2"));
  }

  @Test
  void neverAnsweredPeerShowsFalseWithAReason() throws Exception {
    int bad;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      bad = probe.getLocalPort();
    }
    f.put("p1", TestFabric.peer("ghost", bad));
    await().untilAsserted(() -> assertThat(f.gw("p1").store().get(key(Kind.PEER, "ghost")).orElseThrow()
        .status().condition("PeerReachable").orElseThrow())
        .satisfies(c -> {
          assertThat(c.isTrue()).isFalse();
          assertThat(c.reason()).isEqualTo("NeverAnswered");
          assertThat(c.message()).isNotBlank();
        }));
  }

  @Test
  void policiesOnPeerNameLabelsAndExportFlipAccess() {
    f.put("p0", f.export("p0", "echo"));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    f.put("p1", policy("allow-all", "allow", any(), any()));
    int port = f.targetPort("p1", "echo");
    // ingress side (p0): allow only the peer named p1, by its certificate
    f.put("p0", policy("from-p1", "allow", match("peer.xclusterlink.io/name", "p1"), any()));
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));
    f.put("p0", policy("from-p1", "allow", match("peer.xclusterlink.io/name", "p2"), any()));
    f.gw("p0").controlPlane().sync();
    assertThat(access(port)).isNull();
    // by peer labels learned from heartbeats
    f.put("p0", policy("from-p1", "allow", match("peer.xclusterlink.io/labels.name", "p1"), any()));
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));
    // deny by export name on the egress side
    f.put("p1", policy("no-echo", "deny", any(), match("export.xclusterlink.io/name", "echo")));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isNull();
    f.gw("p1").store().delete(key(Kind.ACCESS_POLICY, "no-echo"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isEqualTo("hello from p0");
    // deny by the import's labels (export labels on the egress side)
    Import labelled = imp("echo", null, src("p0", "echo"));
    labelled = labelled.withMetadata(new io.xclusterlink.api.ObjectMeta("echo", "default", Map.of("tier", "gold")));
    f.put("p1", labelled.withSpec(labelled.spec().withTargetPort(port)));
    f.put("p1", policy("no-gold", "deny", any(), match("export.xclusterlink.io/labels.tier", "gold")));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isNull();
  }

  @Test
  void privilegedLayersPeelOffInOrderDownToDefaultDeny() {
    f.put("p0", f.export("p0", "echo"));
    f.put("p0", policy("allow-all", "allow", any(), any()));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    f.put("p1", privileged("p-deny", "deny", any(), any()));
    f.put("p1", privileged("p-allow", "allow", any(), any()));
    f.put("p1", policy("r-deny", "deny", any(), any()));
    f.put("p1", policy("r-allow", "allow", any(), any()));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isNull();                       // privileged deny wins
    f.gw("p1").store().delete(key(Kind.PRIVILEGED_ACCESS_POLICY, "p-deny"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isEqualTo("hello from p0");    // privileged allow beats regular deny
    f.gw("p1").store().delete(key(Kind.PRIVILEGED_ACCESS_POLICY, "p-allow"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isNull();                       // regular deny
    f.gw("p1").store().delete(key(Kind.ACCESS_POLICY, "r-deny"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isEqualTo("hello from p0");    // regular allow
    f.gw("p1").store().delete(key(Kind.ACCESS_POLICY, "r-allow"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isNull();                       // default deny
  }

  @Test
  void severalReplicasOfOnePeerServeEveryAccess() throws Exception {
    // a second gateway replica of p0 with its own state, the same certificate and the same export
    GatewayConfig c = f.config("p0", Map.of("name", "p0"));
    Gateway replica = new Gateway(new GatewayConfig("p0", c.credentialsDir(), c.listen(), c.admin(),
        dir.resolve("state-p0-replica"), c.labels(), c.importAddress(), null, c.heartbeatInterval(),
        c.heartbeatIntervalUnreachable(), 5, 3, true)).start();
    f.extras.add(replica);
    f.put("p0", f.export("p0", "echo"));
    replica.store().put(f.export("p0", "echo"));
    f.allowAll();
    replica.store().put(policy("allow-all", "allow", any(), any()).normalized());
    f.put("p1", TestFabric.peer("p0", f.gw("p0").tunnelAddress().getPort(), replica.tunnelAddress().getPort()));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));
    assertThat(spread(port, 100)).containsOnly(Map.entry("hello from p0", 100));
    f.gw("p0").close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(access(port)).isEqualTo("hello from p0"));
    assertThat(spread(port, 50)).containsOnly(Map.entry("hello from p0", 50));
  }
}
