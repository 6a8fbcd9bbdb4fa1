package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.Access.answer;
import static io.xclusterlink.gateway.TestFabric.access;
import static io.xclusterlink.gateway.TestFabric.any;
import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.match;
import static io.xclusterlink.gateway.TestFabric.policy;
import static io.xclusterlink.gateway.TestFabric.privileged;
import static io.xclusterlink.gateway.TestFabric.src;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.net.http.HttpResponse;
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
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.reachable("p1", "p0") && f.reachable("p0", "p2") && f.reachable("p0", "p1"));
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
      counts.merge(access(port).toString(), 1, Integer::sum);
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
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
    assertThat(f.gw("p1").metrics().summary()).containsEntry("egressTunnelsOpened", 1L);
  }

  @Test
  void defaultDenyResetsTheClient() {
    f.put("p0", f.export("p0", "echo"));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    f.assertRefused(port, "p1 egress/denied");
    // allowed on the egress side only: the ingress side still denies
    f.put("p1", policy("allow-all", "allow", any(), any()));
    f.gw("p1").controlPlane().sync();
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied");
    f.put("p0", policy("allow-all", "allow", any(), any()));
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
  }

  @Test
  void certificatesFromAnotherFabricCutThePeerOffAndRestoringThemHeals() throws Exception {
    f.put("p0", f.export("p0", "echo"));
    f.allowAll();
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));

    Path p0Dir = dir.resolve("test/p0");
    Path backup = Files.createDirectories(dir.resolve("backup"));
    for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
      Files.copy(p0Dir.resolve(file), backup.resolve(file));
    }
    Path other = dir.resolve("other-fabrics");
    FabricCa.createFabric(other, "rogue", KeyType.EC_P256);
    FabricCa.createPeer(other, "rogue", "p0", KeyType.EC_P256);
    for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
      Files.copy(
          other.resolve("rogue/p0").resolve(file),
          p0Dir.resolve(file),
          StandardCopyOption.REPLACE_EXISTING);
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> !f.reachable("p1", "p0"));
    f.assertRefused(port, "p1 egress/peer-unavailable");

    for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
      Files.copy(backup.resolve(file), p0Dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> f.reachable("p1", "p0"));
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
  }

  @Test
  void exportWhoseBackendAppearsLaterStartsWorking() throws Exception {
    int backendPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      backendPort = probe.getLocalPort();
    }
    f.put(
        "p0",
        new io.xclusterlink.api.Export(
            io.xclusterlink.api.ObjectMeta.of("late", "default"),
            new io.xclusterlink.api.Export.Spec("127.0.0.1", backendPort),
            io.xclusterlink.api.Status.EMPTY));
    f.allowAll();
    f.put("p1", imp("late", null, src("p0", "late")));
    int port = f.targetPort("p1", "late");
    f.assertRefused(port, "p0 ingress/backend-unreachable", "p1 egress/backend-unreachable");
    assertThat(
            f.gw("p0")
                .store()
                .get(key(Kind.EXPORT, "late"))
                .orElseThrow()
                .status()
                .condition("ExportValid"))
        .isPresent();
    try (EchoServer late = new EchoServer("late backend", backendPort)) {
      await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("late backend")));
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
    await()
        .untilAsserted(
            () ->
                assertThat(
                        f.gw("p1")
                            .store()
                            .get(key(Kind.IMPORT, "b"))
                            .orElseThrow()
                            .status()
                            .condition("ImportTargetPortValid")
                            .orElseThrow())
                    .satisfies(
                        c -> {
                          assertThat(c.isTrue()).isFalse();
                          assertThat(c.message()).contains("held by Import default/a");
                        }));
    f.gw("p1").store().delete(key(Kind.IMPORT, "a"));
    await()
        .untilAsserted(
            () ->
                assertThat(
                        f.gw("p1")
                            .store()
                            .get(key(Kind.IMPORT, "b"))
                            .orElseThrow()
                            .status()
                            .condition("ImportTargetPortValid")
                            .orElseThrow()
                            .isTrue())
                    .isTrue());
    assertThat(access(port)).isEqualTo(answer("hello from p0"));
    f.gw("p1").store().delete(key(Kind.IMPORT, "b"));
    await()
        .untilAsserted(
            () -> {
              try (java.net.ServerSocket s =
                  new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
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
    f.assertRefused(
        port,
        "p0 ingress/no-such-export",
        "p1 ingress/no-such-export",
        "p2 ingress/no-such-export",
        "p0 egress/no-such-export",
        "p0 egress/no-such-export",
        "p0 egress/no-such-export");
  }

  @Test
  void randomReachesEverySourceAndOnlyTheRemainingOnes() {
    int port = importFromAll("random");
    assertThat(spread(port, 100))
        .containsOnlyKeys("hello from p0", "hello from p1", "hello from p2");
    f.gw("p1").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p1").controlPlane().sync();
    assertThat(spread(port, 50)).containsOnlyKeys("hello from p0", "hello from p2");
    f.gw("p2").store().delete(key(Kind.EXPORT, "svc"));
    f.gw("p2").controlPlane().sync();
    assertThat(spread(port, 30)).containsOnly(Map.entry("hello from p0", 30));
  }

  @Test
  void peerStatusFollowsAGatewayThatStopsAndStarts() {
    int p2Port = f.gw("p2").tunnelAddress().getPort();
    f.gw("p2").close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !f.reachable("p0", "p2"));
    assertThat(
            f.gw("p0")
                .store()
                .get(key(Kind.PEER, "p2"))
                .orElseThrow()
                .status()
                .condition("PeerReachable")
                .orElseThrow()
                .reason())
        .isEqualTo("HeartbeatFailed");
    Gateway restarted =
        new Gateway(
                f.config("p2", Map.of("name", "p2", "zone", "b"))
                    .withListen(new java.net.InetSocketAddress("127.0.0.1", p2Port)))
            .start();
    f.gateways.put("p2", restarted);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p0", "p2"));
    // labels are refreshed from the heartbeat answers
    await()
        .untilAsserted(
            () ->
                assertThat(
                        f.gw("p0")
                            .store()
                            .get(key(Kind.PEER, "p2"))
                            .orElseThrow()
                            .status()
                            .labels())
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
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.reachable("p1", "p0") && !f.reachable("p1", "p2"));
  }

  @Test
  void neverAnsweredPeerShowsFalseWithAReason() throws Exception {
    int bad;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      bad = probe.getLocalPort();
    }
    f.put("p1", TestFabric.peer("ghost", bad));
    await()
        .untilAsserted(
            () ->
                assertThat(
                        f.gw("p1")
                            .store()
                            .get(key(Kind.PEER, "ghost"))
                            .orElseThrow()
                            .status()
                            .condition("PeerReachable")
                            .orElseThrow())
                    .satisfies(
                        c -> {
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
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
    f.put("p0", policy("from-p1", "allow", match("peer.xclusterlink.io/name", "p2"), any()));
    f.gw("p0").controlPlane().sync();
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied");
    // by peer labels learned from heartbeats
    f.put("p0", policy("from-p1", "allow", match("peer.xclusterlink.io/labels.name", "p1"), any()));
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
    // deny by export name on the egress side
    f.put("p1", policy("no-echo", "deny", any(), match("export.xclusterlink.io/name", "echo")));
    f.gw("p1").controlPlane().sync();
    f.assertRefused(port, "p1 egress/denied");
    f.gw("p1").store().delete(key(Kind.ACCESS_POLICY, "no-echo"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isEqualTo(answer("hello from p0"));
    // deny by the import's labels (export labels on the egress side)
    Import labelled = imp("echo", null, src("p0", "echo"));
    labelled =
        labelled.withMetadata(
            new io.xclusterlink.api.ObjectMeta("echo", "default", Map.of("tier", "gold")));
    f.put("p1", labelled.withSpec(labelled.spec().withTargetPort(port)));
    f.put(
        "p1",
        policy("no-gold", "deny", any(), match("export.xclusterlink.io/labels.tier", "gold")));
    f.gw("p1").controlPlane().sync();
    f.assertRefused(port, "p1 egress/denied");
    f.gw("p1").store().delete(key(Kind.ACCESS_POLICY, "no-gold"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isEqualTo(answer("hello from p0"));
  }

  @Test
  void privilegedLayersPeelOffInOrderDownToDefaultDenyOnTheImportingSide() {
    f.put("p0", f.export("p0", "echo"));
    f.put("p0", policy("allow-all", "allow", any(), any()));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    f.put("p1", privileged("p-deny", "deny", any(), any()));
    f.put("p1", privileged("p-allow", "allow", any(), any()));
    f.put("p1", policy("r-deny", "deny", any(), any()));
    f.put("p1", policy("r-allow", "allow", any(), any()));
    f.gw("p1").controlPlane().sync();
    f.assertRefused(port, "p1 egress/denied"); // privileged deny wins
    f.gw("p1").store().delete(key(Kind.PRIVILEGED_ACCESS_POLICY, "p-deny"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port))
        .isEqualTo(answer("hello from p0")); // privileged allow beats regular deny
    f.gw("p1").store().delete(key(Kind.PRIVILEGED_ACCESS_POLICY, "p-allow"));
    f.gw("p1").controlPlane().sync();
    f.assertRefused(port, "p1 egress/denied"); // regular deny
    f.gw("p1").store().delete(key(Kind.ACCESS_POLICY, "r-deny"));
    f.gw("p1").controlPlane().sync();
    assertThat(access(port)).isEqualTo(answer("hello from p0")); // regular allow
    f.gw("p1").store().delete(key(Kind.ACCESS_POLICY, "r-allow"));
    f.gw("p1").controlPlane().sync();
    f.assertRefused(port, "p1 egress/denied"); // default deny
  }

  @Test
  void severalReplicasOfOnePeerServeEveryAccess() throws Exception {
    // a second gateway replica of p0 with its own state, the same certificate and the same export
    Gateway replica =
        new Gateway(
                f.config("p0", Map.of("name", "p0")).withStateDir(dir.resolve("state-p0-replica")))
            .start();
    f.extras.add(replica);
    f.put("p0", f.export("p0", "echo"));
    replica.store().put(f.export("p0", "echo"));
    f.allowAll();
    replica.store().put(policy("allow-all", "allow", any(), any()).normalized());
    f.put(
        "p1",
        TestFabric.peer(
            "p0", f.gw("p0").tunnelAddress().getPort(), replica.tunnelAddress().getPort()));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    await().untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
    assertThat(spread(port, 100)).containsOnly(Map.entry("hello from p0", 100));
    f.gw("p0").close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
    assertThat(spread(port, 50)).containsOnly(Map.entry("hello from p0", 50));
  }

  @Test
  void clientAttributesFromTheWorkloadsFileFlipAccessOnBothSides() throws Exception {
    Path workloads =
        Files.writeString(
            dir.resolve("workloads.yaml"),
            """
        workloads:
        - {cidr: 10.0.0.0/8, namespace: elsewhere, serviceAccount: nobody}
        - {cidr: 127.0.0.0/8, namespace: web, serviceAccount: frontend, labels: {app: shop}}
        """);
    f.restart("p1", c -> c.withWorkloadsFile(workloads));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p1", "p0"));
    f.put("p0", f.export("p0", "echo"));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    // egress side (p1) matches the client's workload; the ingress side (p0, no workloads file of
    // its
    // own) matches the client attributes p1 sent with the tunnel request
    f.put(
        "p1",
        policy("web-clients", "allow", match("client.xclusterlink.io/namespace", "web"), any()));
    f.put(
        "p0",
        policy("shop-clients", "allow", match("client.xclusterlink.io/labels.app", "shop"), any()));
    f.sync("p0", "p1");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));

    f.put(
        "p1",
        policy("web-clients", "allow", match("client.xclusterlink.io/namespace", "api"), any()));
    f.sync("p1");
    f.assertRefused(port, "p1 egress/denied");
    f.put(
        "p1",
        policy(
            "web-clients",
            "allow",
            match("client.xclusterlink.io/service-account", "frontend"),
            any()));
    f.sync("p1");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));

    f.put(
        "p0",
        policy(
            "shop-clients", "allow", match("client.xclusterlink.io/labels.app", "admin"), any()));
    f.sync("p0");
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied");
    f.put(
        "p0",
        policy(
            "shop-clients",
            "allow",
            match("client.xclusterlink.io/service-account", "frontend"),
            any()));
    f.sync("p0");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));

    // a deny on the client's namespace at the exporting side beats the allow; removing it restores
    // access
    f.put("p0", policy("no-web", "deny", match("client.xclusterlink.io/namespace", "web"), any()));
    f.sync("p0");
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied");
    f.gw("p0").store().delete(key(Kind.ACCESS_POLICY, "no-web"));
    f.sync("p0");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));
  }

  @Test
  void exportLabelsFlipAccessOnTheExportingSide() {
    f.put("p0", f.export("p0", "echo", Map.of("tier", "gold")));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    f.put("p1", policy("allow-all", "allow", any(), any()));
    f.put(
        "p0",
        policy("gold-only", "allow", any(), match("export.xclusterlink.io/labels.tier", "gold")));
    int port = f.targetPort("p1", "echo");
    f.sync("p0", "p1");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));

    // the labels are the Export's own (metadata.labels on p0): relabelling it flips access
    f.put("p0", f.export("p0", "echo", Map.of("tier", "silver")));
    f.sync("p0");
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied");
    f.put("p0", f.export("p0", "echo", Map.of("tier", "gold")));
    f.sync("p0");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));

    f.put(
        "p0",
        policy("no-gold", "deny", any(), match("export.xclusterlink.io/labels.tier", "gold")));
    f.sync("p0");
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied");
    f.gw("p0").store().delete(key(Kind.ACCESS_POLICY, "no-gold"));
    f.sync("p0");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));
  }

  private io.xclusterlink.api.Condition peerReachable(String at, String peer) {
    return f.gw(at)
        .store()
        .get(key(Kind.PEER, peer))
        .orElseThrow()
        .status()
        .condition("PeerReachable")
        .orElseThrow();
  }

  private Map<String, String> peerLabels(String at, String peer) {
    return f.gw(at).store().get(key(Kind.PEER, peer)).orElseThrow().status().labels();
  }

  @Test
  void peerLabelsRefreshOnEveryHeartbeatAnswerWhileThePeerStaysReachable() {
    // labels are start-up configuration, so they change by a restart of p0; p1 heartbeats every
    // 300 ms, so the 5 misses that would flip p0 take 1.5 s, far longer than the restart
    f.restart("p1", c -> c.withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(300), 5, 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p1", "p0"));
    f.put("p0", f.export("p0", "echo"));
    f.allowAll();
    f.put(
        "p1", policy("not-zone-b", "deny", any(), match("peer.xclusterlink.io/labels.zone", "b")));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    f.sync("p0", "p1");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));
    assertThat(peerLabels("p1", "p0")).doesNotContainKey("zone");
    String reachableSince = peerReachable("p1", "p0").lastTransitionTime();

    f.restart("p0", c -> c.withLabels(Map.of("name", "p0", "zone", "b")));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(peerLabels("p1", "p0")).containsEntry("zone", "b"));
    assertThat(peerReachable("p1", "p0"))
        .satisfies(
            c -> {
              assertThat(c.isTrue()).isTrue();
              assertThat(c.lastTransitionTime())
                  .as("PeerReachable never flipped")
                  .isEqualTo(reachableSince);
            });
    f.assertRefused(port, "p1 egress/denied");

    f.restart("p0", c -> c.withLabels(Map.of("name", "p0", "zone", "a")));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(peerLabels("p1", "p0")).containsEntry("zone", "a"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(access(port)).isEqualTo(answer("hello from p0")));
    assertThat(peerReachable("p1", "p0").lastTransitionTime()).isEqualTo(reachableSince);
  }

  @Test
  void aSourceDeniedByItsExportingSideFallsThroughToTheNextOne() {
    f.put("p0", f.export("p0", "svc"));
    f.put("p1", f.export("p1", "svc"));
    f.allowAll();
    f.put("p0", policy("not-p2", "deny", match("peer.xclusterlink.io/name", "p2"), any()));
    f.put("p2", imp("svc", null, src("p0", "svc"), src("p1", "svc")));
    int port = f.targetPort("p2", "svc");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.reachable("p2", "p0") && f.reachable("p2", "p1"));
    f.sync("p0", "p1", "p2");
    Map<String, Long> before = f.refusals();
    assertThat(spread(port, 20)).containsOnly(Map.entry("hello from p1", 20));
    // p0 was asked and refused (not skipped), and no client connection was reset
    Map<String, Long> moved = f.refusalsSince(before);
    assertThat(moved).containsOnlyKeys("p0 ingress/denied", "p2 egress/denied");
    assertThat(moved.get("p2 egress/denied"))
        .isEqualTo(moved.get("p0 ingress/denied"))
        .isPositive();
  }

  @Test
  void aSourceOnAnUnreachablePeerIsTriedLast() throws Exception {
    int dead;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      dead = probe.getLocalPort();
    }
    f.put("p2", TestFabric.peer("ghost", dead));
    f.put("p1", f.export("p1", "svc"));
    f.allowAll();
    // static would always take the first source: ghost, were it reachable
    f.put("p2", imp("svc", "static", src("ghost", "svc"), src("p1", "svc")));
    int port = f.targetPort("p2", "svc");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p2", "p1"));
    f.sync("p1", "p2");
    Map<String, Long> before = f.refusals();
    assertThat(spread(port, 10)).containsOnly(Map.entry("hello from p1", 10));
    assertThat(f.refusalsSince(before)).as("ghost was never tried").isEmpty();

    // with p1's export gone, ghost is tried after p1, and then the client is reset
    f.gw("p1").store().delete(key(Kind.EXPORT, "svc"));
    f.sync("p1");
    // the ten tunnels above end in steps (one direction, then the other): let them all log their
    // close before capturing, so that only the next connection's lines are seen
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> (long) f.gw("p2").metrics().summary().get("egressTunnelsActive") == 0);
    try (LogCapture logs = new LogCapture(EGRESS_LOG)) {
      f.assertRefused(
          port,
          "p1 ingress/no-such-export",
          "p2 egress/no-such-export",
          "p2 egress/peer-unavailable");
      await()
          .untilAsserted(
              () ->
                  assertThat(logs.messages(Level.DEBUG, "import default/svc: connection from"))
                      .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                      .containsPattern(
                          "reset: p1:default/svc: .*no such export.*; ghost:default/svc: "));
    }
  }

  @Test
  void anInvalidPolicyReappliedThroughTheAdminApiIsRejectedAndThePreviousVersionStaysInForce()
      throws Exception {
    f.put("p0", f.export("p0", "echo"));
    f.put("p0", policy("allow-all", "allow", any(), any()));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    String head =
        """
        apiVersion: xclusterlink.io/v1alpha1
        kind: AccessPolicy
        metadata: {name: clients, namespace: default}
        """;
    HttpResponse<String> r =
        f.applyThroughAdminApi(
            "p1",
            head
                + """
        spec:
          action: allow
          from: [{workloadSelector: {}}]
          to: [{workloadSelector: {matchLabels: {export.xclusterlink.io/name: echo}}}]
        """);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    f.sync("p1");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));

    // this version would deny every client if it got in
    r =
        f.applyThroughAdminApi(
            "p1",
            head
                + """
        spec:
          action: deny
          from: []
          to: [{workloadSelector: {}}]
        """);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r))
        .isEqualTo(
            "document 1: AccessPolicy default/clients: spec.from: empty (expected: at least one "
                + "workloadSelector ({} matches everything)); nothing applied, the previous version stays in force");
    r =
        f.applyThroughAdminApi(
            "p1",
            head
                + """
        spec:
          action: alow
          from: [{workloadSelector: {}}]
          to: [{workloadSelector: {}}]
        """);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r))
        .isEqualTo(
            "document 1: AccessPolicy default/clients: spec.action: 'alow' (expected one of: allow, deny); "
                + "nothing applied, the previous version stays in force");

    f.sync("p1");
    assertThat(access(port)).isEqualTo(answer("hello from p0"));
    io.xclusterlink.api.AccessPolicy kept =
        (io.xclusterlink.api.AccessPolicy)
            f.gw("p1").store().get(key(Kind.ACCESS_POLICY, "clients")).orElseThrow();
    assertThat(kept.spec().action()).isEqualTo(io.xclusterlink.api.PolicyAction.ALLOW);
    assertThat(kept.spec().to().get(0).workloadSelector().matchLabels())
        .containsEntry("export.xclusterlink.io/name", "echo");

    // an invalid first version has no previous version to keep
    r =
        f.applyThroughAdminApi(
            "p1",
            head.replace("name: clients", "name: brand-new")
                + """
        spec: {action: alow, from: [{workloadSelector: {}}], to: [{workloadSelector: {}}]}
        """);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r))
        .isEqualTo(
            "document 1: AccessPolicy default/brand-new: spec.action: 'alow' (expected one of: allow, deny); "
                + "nothing applied");
    assertThat(f.gw("p1").store().get(key(Kind.ACCESS_POLICY, "brand-new"))).isEmpty();
  }

  private static String error(HttpResponse<String> r) throws Exception {
    return io.xclusterlink.api.ObjectCodec.json().readTree(r.body()).get("error").asText();
  }

  private static final String INGRESS_LOG = "io.xclusterlink.gateway.ingress.IngressStreams";
  private static final String EGRESS_LOG = "io.xclusterlink.gateway.egress.EgressConnectionHandler";

  @Test
  void logsOneDebugLinePerTunnelOpenedAndClosedAndARefusalWithItsReason() {
    f.put("p0", f.export("p0", "echo"));
    f.allowAll();
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    f.sync("p0", "p1");
    try (LogCapture logs = new LogCapture(INGRESS_LOG, EGRESS_LOG)) {
      for (int i = 0; i < 3; i++) {
        assertThat(access(port)).isEqualTo(answer("hello from p0"));
      }
      await()
          .untilAsserted(
              () -> {
                assertThat(
                        logs.messages(
                            Level.DEBUG, "tunnel from peer p1 to export default/echo opened"))
                    .hasSize(3);
                assertThat(
                        logs.messages(
                            Level.DEBUG, "tunnel from peer p1 to export default/echo closed"))
                    .hasSize(3);
                assertThat(logs.messages(Level.DEBUG, "tunneled to p0:default/echo"))
                    .hasSize(3)
                    .allSatisfy(
                        m ->
                            assertThat(m)
                                .startsWith("import default/echo: connection from /127.0.0.1:"));
                assertThat(logs.messages(Level.DEBUG, "to p0:default/echo closed")).hasSize(3);
              });
      assertThat(logs.messages(Level.DEBUG, "refused")).isEmpty();

      f.put("p0", policy("not-p1", "deny", match("peer.xclusterlink.io/name", "p1"), any()));
      f.sync("p0");
      f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied");
      await()
          .untilAsserted(
              () -> {
                assertThat(logs.messages(Level.DEBUG, "refused tunnel from peer p1"))
                    .containsExactly(
                        "refused tunnel from peer p1: export default/echo denied by AccessPolicy default/not-p1 (at p0)");
                assertThat(logs.messages(Level.DEBUG, " reset: "))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("import default/echo: connection from /127.0.0.1:")
                    .endsWith(
                        "reset: p0:default/echo: export default/echo denied by AccessPolicy default/not-p1 (at p0)");
              });
      assertThat(logs.messages(Level.DEBUG, " opened")).hasSize(3);
    }
  }

  @Test
  void privilegedLayersPeelOffInOrderDownToDefaultDenyOnTheExportingSide() {
    f.put("p0", f.export("p0", "echo"));
    f.put("p1", policy("allow-all", "allow", any(), any()));
    f.put("p1", imp("echo", null, src("p0", "echo")));
    int port = f.targetPort("p1", "echo");
    f.put("p0", privileged("p-deny", "deny", match("peer.xclusterlink.io/name", "p1"), any()));
    f.put(
        "p0", privileged("p-allow", "allow", any(), match("export.xclusterlink.io/name", "echo")));
    f.put("p0", policy("r-deny", "deny", any(), any()));
    f.put("p0", policy("r-allow", "allow", match("peer.xclusterlink.io/name", "p1"), any()));
    // a regular allow in another namespace than the Export's does not count on the ingress side
    f.put(
        "p0",
        new io.xclusterlink.api.AccessPolicy(
            io.xclusterlink.api.ObjectMeta.of("elsewhere", "other"),
            new io.xclusterlink.api.PolicySpec(
                io.xclusterlink.api.PolicyAction.ALLOW, List.of(any()), List.of(any())),
            io.xclusterlink.api.Status.EMPTY));
    f.sync("p0", "p1");
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied"); // privileged deny wins
    f.gw("p0").store().delete(key(Kind.PRIVILEGED_ACCESS_POLICY, "p-deny"));
    f.sync("p0");
    assertThat(access(port))
        .isEqualTo(answer("hello from p0")); // privileged allow beats regular deny
    f.gw("p0").store().delete(key(Kind.PRIVILEGED_ACCESS_POLICY, "p-allow"));
    f.sync("p0");
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied"); // regular deny
    f.gw("p0").store().delete(key(Kind.ACCESS_POLICY, "r-deny"));
    f.sync("p0");
    assertThat(access(port)).isEqualTo(answer("hello from p0")); // regular allow
    f.gw("p0").store().delete(key(Kind.ACCESS_POLICY, "r-allow"));
    f.sync("p0");
    f.assertRefused(port, "p0 ingress/denied", "p1 egress/denied"); // default deny
  }
}
