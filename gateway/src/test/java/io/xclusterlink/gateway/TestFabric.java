package io.xclusterlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.admin.AdminTcp;
import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.LbScheme;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.PolicyAction;
import io.xclusterlink.api.PolicySpec;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** Several peers of one fabric, each a real gateway on 127.0.0.1 with an echo backend. */
final class TestFabric implements AutoCloseable {
  static final String ADMIN_TOKEN = "test-admin-token";
  final Path dir;
  final String fabric = "test";
  final Map<String, Gateway> gateways = new LinkedHashMap<>();
  final Map<String, EchoServer> backends = new LinkedHashMap<>();
  final List<AutoCloseable> extras = new ArrayList<>();

  TestFabric(Path dir, String... peers) throws IOException {
    this.dir = dir;
    FabricCa.createFabric(dir, fabric, KeyType.EC_P256);
    for (String p : peers) {
      FabricCa.createPeer(dir, fabric, p, KeyType.EC_P256);
      backends.put(p, new EchoServer("hello from " + p));
      start(p, Map.of("name", p));
    }
  }

  /** The token of every gateway's TCP admin listener, in {@code DIR/admin-token} (mode 0600). */
  private Path tokenFile() {
    Path file = dir.resolve("admin-token");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, ADMIN_TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  GatewayConfig config(String peer, Map<String, String> labels) {
    Path state = dir.resolve("state-" + peer);
    // the admin socket in the state folder, and a TCP listener with a token for java.net.http
    return GatewayConfig.defaults(
            peer,
            dir.resolve(fabric).resolve(peer),
            new InetSocketAddress("127.0.0.1", 0),
            AdminConfig.inStateDir(state)
                .withTcp(new AdminTcp(new InetSocketAddress("127.0.0.1", 0), false, tokenFile())),
            state)
        .withLabels(labels)
        .withHeartbeat(Duration.ofMillis(150), Duration.ofMillis(150), 5, 3);
  }

  Gateway start(String peer, Map<String, String> labels) {
    Gateway g = new Gateway(config(peer, labels)).start();
    gateways.put(peer, g);
    return g;
  }

  /**
   * Stops a peer's gateway and starts it again on the same tunnel port and state folder (so the
   * other peers' Peer objects still point at it), with {@code change} applied to its config.
   */
  Gateway restart(String peer, UnaryOperator<GatewayConfig> change) {
    Gateway old = gw(peer);
    int port = old.tunnelAddress().getPort();
    GatewayConfig again =
        change.apply(old.config()).withListen(new InetSocketAddress("127.0.0.1", port));
    old.close();
    Gateway g = new Gateway(again).start();
    gateways.put(peer, g);
    return g;
  }

  /** Waits until each named gateway's control plane has applied every change handed to it. */
  void sync(String... peers) {
    for (String p : peers) {
      gw(p).controlPlane().sync();
    }
  }

  Gateway gw(String peer) {
    return gateways.get(peer);
  }

  /** Every gateway learns every other as a Peer. */
  void connectAll() {
    for (String a : gateways.keySet()) {
      for (String b : gateways.keySet()) {
        if (!a.equals(b)) {
          put(a, peer(b, gw(b).tunnelAddress().getPort()));
        }
      }
    }
  }

  static Peer peer(String name, int... ports) {
    List<Peer.GatewayAddress> gws = new ArrayList<>();
    for (int p : ports) {
      gws.add(new Peer.GatewayAddress("127.0.0.1", p));
    }
    return new Peer(ObjectMeta.of(name, null), new Peer.Spec(gws), Status.EMPTY);
  }

  Export export(String peer, String name) {
    return new Export(
        ObjectMeta.of(name, "default"),
        new Export.Spec("127.0.0.1", backends.get(peer).port()),
        Status.EMPTY);
  }

  Export export(String peer, String name, Map<String, String> labels) {
    return new Export(
        new ObjectMeta(name, "default", labels),
        new Export.Spec("127.0.0.1", backends.get(peer).port()),
        Status.EMPTY);
  }

  static Import imp(String name, String scheme, Import.Source... sources) {
    return new Import(
        ObjectMeta.of(name, "default"),
        new Import.Spec(80, null, List.of(sources), scheme == null ? null : LbScheme.parse(scheme)),
        Status.EMPTY);
  }

  static Import.Source src(String peer, String export) {
    return new Import.Source(peer, export, "default");
  }

  static PolicySpec.WorkloadSelectorTerm any() {
    return new PolicySpec.WorkloadSelectorTerm(new PolicySpec.LabelSelector(Map.of(), List.of()));
  }

  static PolicySpec.WorkloadSelectorTerm match(String key, String value) {
    return new PolicySpec.WorkloadSelectorTerm(
        new PolicySpec.LabelSelector(Map.of(key, value), List.of()));
  }

  static AccessPolicy policy(
      String name,
      String action,
      PolicySpec.WorkloadSelectorTerm from,
      PolicySpec.WorkloadSelectorTerm to) {
    return new AccessPolicy(
        ObjectMeta.of(name, "default"),
        new PolicySpec(PolicyAction.parse(action), List.of(from), List.of(to)),
        Status.EMPTY);
  }

  static PrivilegedAccessPolicy privileged(
      String name,
      String action,
      PolicySpec.WorkloadSelectorTerm from,
      PolicySpec.WorkloadSelectorTerm to) {
    return new PrivilegedAccessPolicy(
        ObjectMeta.of(name, null),
        new PolicySpec(PolicyAction.parse(action), List.of(from), List.of(to)),
        Status.EMPTY);
  }

  /** POSTs YAML to a gateway's admin API, the real admission path ({@code xcl apply}). */
  java.net.http.HttpResponse<String> applyThroughAdminApi(String peer, String yaml)
      throws IOException, InterruptedException {
    InetSocketAddress a = gw(peer).adminTcpAddress();
    java.net.http.HttpRequest req =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + a.getPort() + "/v1/apply"))
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .header("Content-Type", "application/yaml")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(yaml))
            .build();
    return java.net.http.HttpClient.newHttpClient()
        .send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  void allowAll() {
    for (String p : gateways.keySet()) {
      put(p, policy("allow-all", "allow", any(), any()));
    }
  }

  void put(String peer, XclObject obj) {
    gw(peer).store().put(obj.normalized());
  }

  /** The target port of an import once the gateway has allocated and written it back. */
  int targetPort(String peer, String importName) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                gw(peer)
                    .store()
                    .get(
                        new io.xclusterlink.api.ObjectKey(
                            io.xclusterlink.api.Kind.IMPORT, "default", importName))
                    .map(o -> ((Import) o).spec().targetPort())
                    .orElse(null),
            p ->
                p != null
                    && gw(peer)
                        .store()
                        .get(
                            new io.xclusterlink.api.ObjectKey(
                                io.xclusterlink.api.Kind.IMPORT, "default", importName))
                        .map(
                            o ->
                                o.status()
                                    .condition("ImportTargetPortValid")
                                    .map(c -> c.isTrue())
                                    .orElse(false))
                        .orElse(false));
  }

  boolean reachable(String at, String peer) {
    return gw(at)
        .store()
        .get(new io.xclusterlink.api.ObjectKey(io.xclusterlink.api.Kind.PEER, null, peer))
        .flatMap(o -> o.status().condition("PeerReachable"))
        .map(c -> c.isTrue())
        .orElse(false);
  }

  /** Connects to the import port once: the greeting, or how the connection ended without one. */
  static Access access(int port) {
    return Access.at(port);
  }

  /** Every gateway's refusal counters, keyed "PEER SIDE/REASON" (e.g. "p0 ingress/denied"). */
  Map<String, Long> refusals() {
    Map<String, Long> out = new TreeMap<>();
    for (Map.Entry<String, Gateway> g : gateways.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Long> byReason =
          (Map<String, Long>) g.getValue().metrics().summary().get("refusedByReason");
      byReason.forEach((reason, n) -> out.put(g.getKey() + " " + reason, n));
    }
    return out;
  }

  /** The refusal counters that moved since {@code before}, with how much. */
  Map<String, Long> refusalsSince(Map<String, Long> before) {
    Map<String, Long> moved = new TreeMap<>();
    refusals()
        .forEach(
            (k, n) -> {
              long d = n - before.getOrDefault(k, 0L);
              if (d != 0) {
                moved.put(k, d);
              }
            });
    return moved;
  }

  /**
   * One access that must be reset for exactly the given reasons: each "PEER SIDE/REASON" counted
   * once per mention (e.g. "p0 ingress/denied", "p1 egress/denied" for a refusal at the exporting
   * gateway p0 of p1's import), and no other refusal counted besides the importing gateway's final
   * "egress/all-sources-failed". So a reset for the wrong reason (peer not reachable yet, export
   * missing) cannot pass for a denial.
   */
  void assertRefused(int port, String... reasons) {
    Map<String, Long> before = refusals();
    assertThat(access(port)).as("access to import port %d", port).isEqualTo(Access.RESET);
    Map<String, Long> expected = new TreeMap<>();
    for (String r : reasons) {
      expected.merge(r, 1L, Long::sum);
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Map<String, Long> moved = refusalsSince(before);
              moved
                  .keySet()
                  .removeIf(
                      k -> k.endsWith(" egress/all-sources-failed") && !expected.containsKey(k));
              assertThat(moved)
                  .as("refusals counted for one access to port %d", port)
                  .isEqualTo(expected);
            });
  }

  @Override
  public void close() throws Exception {
    for (Gateway g : gateways.values()) {
      g.close();
    }
    for (EchoServer e : backends.values()) {
      e.close();
    }
    for (AutoCloseable c : extras) {
      c.close();
    }
  }
}
