package io.xclusterlink.gateway;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.PolicySpec;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Several peers of one fabric, each a real gateway on 127.0.0.1 with an echo backend. */
final class TestFabric implements AutoCloseable {
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

  GatewayConfig config(String peer, Map<String, String> labels) {
    return GatewayConfig.defaults(peer, dir.resolve(fabric).resolve(peer),
            new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
            dir.resolve("state-" + peer))
        .withLabels(labels)
        .withHeartbeat(Duration.ofMillis(150), Duration.ofMillis(150), 5, 3);
  }

  Gateway start(String peer, Map<String, String> labels) {
    Gateway g = new Gateway(config(peer, labels)).start();
    gateways.put(peer, g);
    return g;
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
    return new Export(ObjectMeta.of(name, "default"), new Export.Spec("127.0.0.1", backends.get(peer).port()), Status.EMPTY);
  }

  static Import imp(String name, String scheme, Import.Source... sources) {
    return new Import(ObjectMeta.of(name, "default"), new Import.Spec(80, null, List.of(sources), scheme), Status.EMPTY);
  }

  static Import.Source src(String peer, String export) {
    return new Import.Source(peer, export, "default");
  }

  static PolicySpec.WorkloadSelectorTerm any() {
    return new PolicySpec.WorkloadSelectorTerm(new PolicySpec.LabelSelector(Map.of(), List.of()));
  }

  static PolicySpec.WorkloadSelectorTerm match(String key, String value) {
    return new PolicySpec.WorkloadSelectorTerm(new PolicySpec.LabelSelector(Map.of(key, value), List.of()));
  }

  static AccessPolicy policy(String name, String action, PolicySpec.WorkloadSelectorTerm from, PolicySpec.WorkloadSelectorTerm to) {
    return new AccessPolicy(ObjectMeta.of(name, "default"), new PolicySpec(action, List.of(from), List.of(to)), Status.EMPTY);
  }

  static PrivilegedAccessPolicy privileged(String name, String action, PolicySpec.WorkloadSelectorTerm from, PolicySpec.WorkloadSelectorTerm to) {
    return new PrivilegedAccessPolicy(ObjectMeta.of(name, null), new PolicySpec(action, List.of(from), List.of(to)), Status.EMPTY);
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
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
        () -> gw(peer).store().get(new io.xclusterlink.api.ObjectKey(io.xclusterlink.api.Kind.IMPORT, "default", importName))
            .map(o -> ((Import) o).spec().targetPort()).orElse(null),
        p -> p != null && gw(peer).store().get(new io.xclusterlink.api.ObjectKey(io.xclusterlink.api.Kind.IMPORT, "default", importName))
            .map(o -> o.status().condition("ImportTargetPortValid").map(c -> c.isTrue()).orElse(false)).orElse(false));
  }

  boolean reachable(String at, String peer) {
    return gw(at).store().get(new io.xclusterlink.api.ObjectKey(io.xclusterlink.api.Kind.PEER, null, peer))
        .flatMap(o -> o.status().condition("PeerReachable")).map(c -> c.isTrue()).orElse(false);
  }

  /** Connects to the import port and returns the greeting line, or null when the connection was reset/closed. */
  static String access(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
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
