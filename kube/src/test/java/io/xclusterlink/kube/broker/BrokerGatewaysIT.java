package io.xclusterlink.kube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.Gateway;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real gateways on 127.0.0.1 with no hand-written Peer: each learns the other through the
 * broker (the mock API server), and a TCP connection to an import of one is carried to an export of
 * the other. The data path keeps working while the broker is down. Also measures the time from a
 * GatewayExIp change in the broker to a working Peer on the other side (a FIGURE line).
 */
class BrokerGatewaysIT {
  static final String NS = "xcl-broker";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int TRIES = Integer.getInteger("xcl.broker.tries", 20);

  @TempDir Path dir;
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  Gateway gateway(String peer) {
    FabricCa.createPeer(dir, "test", peer, KeyType.EC_P256);
    Path state = dir.resolve("state-" + peer);
    GatewayConfig config =
        GatewayConfig.defaults(
                peer,
                dir.resolve("test").resolve(peer),
                new InetSocketAddress("127.0.0.1", 0),
                AdminConfig.inStateDir(state),
                state)
            .withLabels(Map.of("name", peer))
            .withHeartbeat(Duration.ofMillis(150), Duration.ofMillis(150), 5, 3);
    Gateway g = new Gateway(config).start();
    closing.add(g);
    return g;
  }

  Broker broker(BrokerServer server, Gateway g, int port) {
    Broker b =
        new Broker(
            BrokerConfig.of(g.config().peerName(), NS, List.of("127.0.0.1"), port),
            server.client(),
            g.store());
    closing.add(b);
    return b.start();
  }

  static void apply(Store store, String yaml) {
    for (XclObject o : ObjectCodec.readYaml(yaml)) {
      store.put(o.normalized());
    }
  }

  static int targetPort(Store store, String name) {
    ObjectKey key = new ObjectKey(Kind.IMPORT, "default", name);
    return await()
        .atMost(WAIT)
        .until(
            () ->
                store
                    .get(key)
                    .filter(
                        o ->
                            o.status()
                                .condition("ImportTargetPortValid")
                                .map(c -> c.isTrue())
                                .orElse(false))
                    .map(o -> ((Import) o).spec().targetPort())
                    .orElse(null),
            p -> p != null);
  }

  /**
   * Connects to an import once: the backend's greeting, or null if the connection ended without.
   */
  static String greeting(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        return null;
      }
      out.write("ping\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      String echo = in.readLine();
      return "ping".equals(echo) ? line : null;
    } catch (IOException e) {
      return null;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** p0 exports a greeting backend, p1 imports it; everything allowed; no Peer written. */
  record Bed(Gateway p0, Gateway p1, int importPort) {}

  Bed bed() throws IOException {
    FabricCa.createFabric(dir, "test", KeyType.EC_P256);
    GreetingServer backend = new GreetingServer("hello from p0");
    closing.add(backend);
    Gateway p0 = gateway("p0");
    Gateway p1 = gateway("p1");
    String allowAll =
        "apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: allow-all}\n"
            + "spec:\n  action: allow\n  from: [{workloadSelector: {}}]\n"
            + "  to: [{workloadSelector: {}}]\n";
    apply(p0.store(), allowAll);
    apply(p1.store(), allowAll);
    apply(
        p0.store(),
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Export\nmetadata: {name: echo}\n"
            + "spec: {host: 127.0.0.1, port: "
            + backend.port()
            + "}\n");
    apply(
        p1.store(),
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Import\nmetadata: {name: echo}\n"
            + "spec:\n  port: 80\n  sources: [{peer: p0, exportName: echo, exportNamespace: default}]\n");
    return new Bed(p0, p1, targetPort(p1.store(), "echo"));
  }

  @Test
  void twoGatewaysConnectThroughBrokerMadePeersAndKeepCarryingWhileTheBrokerIsDown()
      throws Exception {
    Bed bed = bed();
    BrokerServer server = new BrokerServer();
    closing.add(server);
    assertThat(bed.p1().store().get(new ObjectKey(Kind.PEER, null, "p0"))).isEmpty();
    assertThat(greeting(bed.importPort())).as("no Peer yet, no way to p0").isNull();

    Broker b0 = broker(server, bed.p0(), bed.p0().tunnelAddress().getPort());
    Broker b1 = broker(server, bed.p1(), bed.p1().tunnelAddress().getPort());
    await().atMost(WAIT).until(() -> "hello from p0".equals(greeting(bed.importPort())));
    Peer learned = (Peer) bed.p1().store().get(new ObjectKey(Kind.PEER, null, "p0")).orElseThrow();
    assertThat(learned.metadata().labels()).containsEntry("xclusterlink.io/managed-by", "broker");
    assertThat(learned.spec().gateways())
        .containsExactly(new Peer.GatewayAddress("127.0.0.1", bed.p0().tunnelAddress().getPort()));

    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    bed.p1().store().addListener(events::add);
    server.stop();
    await().atMost(WAIT).until(() -> !b0.watching() && !b1.watching());
    for (int i = 0; i < 5; i++) {
      assertThat(greeting(bed.importPort()))
          .as("carried while the broker is down")
          .isEqualTo("hello from p0");
    }
    int lists0 = b0.lists();
    int lists1 = b1.lists();
    server.restart(false);
    // both list again after the outage; the mock API server does not replay events from a watch's
    // resourceVersion, so a withdrawal between that list and its watch would go unseen (a real API
    // server replays it)
    await()
        .atMost(WAIT)
        .until(() -> b0.watching() && b1.watching() && b0.lists() > lists0 && b1.lists() > lists1);
    assertThat(greeting(bed.importPort())).isEqualTo("hello from p0");
    assertThat(events)
        .noneMatch(e -> e.type() == EventType.DELETED && e.object().kind() == Kind.PEER);

    // p0 withdraws: p1's Peer goes, and with it the way to p0
    b0.close();
    await()
        .atMost(WAIT)
        .until(() -> bed.p1().store().get(new ObjectKey(Kind.PEER, null, "p0")).isEmpty());
    await().atMost(WAIT).until(() -> greeting(bed.importPort()) == null);
  }

  /**
   * The time from a GatewayExIp change in the broker (p0 re-publishes its real port after a dead
   * one) to the first connection carried through p1's updated Peer: median over {@link #TRIES}.
   */
  @Test
  void measuresFromAGatewayExIpChangeToAWorkingPeer() throws Exception {
    Bed bed = bed();
    BrokerServer server = new BrokerServer();
    closing.add(server);
    int real = bed.p0().tunnelAddress().getPort();
    Broker b0 = broker(server, bed.p0(), real);
    broker(server, bed.p1(), bed.p1().tunnelAddress().getPort());
    await().atMost(WAIT).until(() -> "hello from p0".equals(greeting(bed.importPort())));

    List<Long> toPeer = new ArrayList<>();
    List<Long> toTraffic = new ArrayList<>();
    ObjectKey p0 = new ObjectKey(Kind.PEER, null, "p0");
    for (int i = 0; i < TRIES; i++) {
      int dead = freePort();
      b0.publish(spec(dead));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  bed.p1()
                          .store()
                          .get(p0)
                          .map(o -> ((Peer) o).spec().gateways().get(0).port())
                          .orElse(0)
                      == dead);
      await().atMost(WAIT).until(() -> greeting(bed.importPort()) == null);

      long t0 = System.nanoTime();
      b0.publish(spec(real));
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(2))
          .until(
              () ->
                  bed.p1()
                          .store()
                          .get(p0)
                          .map(o -> ((Peer) o).spec().gateways().get(0).port())
                          .orElse(0)
                      == real);
      long t1 = System.nanoTime();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> "hello from p0".equals(greeting(bed.importPort())));
      long t2 = System.nanoTime();
      toPeer.add((t1 - t0) / 1_000_000);
      toTraffic.add((t2 - t0) / 1_000_000);
    }
    System.out.println(
        "FIGURE broker GatewayExIp change -> Peer updated on the other side: median "
            + median(toPeer)
            + " ms, max "
            + Collections.max(toPeer)
            + " ms over "
            + TRIES
            + " tries");
    System.out.println(
        "FIGURE broker GatewayExIp change -> working Peer (first connection carried): median "
            + median(toTraffic)
            + " ms, max "
            + Collections.max(toTraffic)
            + " ms over "
            + TRIES
            + " tries");
    assertThat(toTraffic).hasSize(TRIES);
  }

  static io.xclusterlink.api.GatewayExIp.Spec spec(int port) {
    return new io.xclusterlink.api.GatewayExIp.Spec(
        List.of("127.0.0.1"), port, null, null, null, null, null, null);
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
