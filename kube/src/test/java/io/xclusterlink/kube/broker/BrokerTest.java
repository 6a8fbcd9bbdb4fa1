package io.xclusterlink.kube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.Status;
import io.xclusterlink.gateway.config.GatewayStartException;
import io.xclusterlink.store.EmbeddedStore;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two peers (each an embedded store in a temp folder) find each other through one broker (the mock
 * API server in CRUD mode), with no hand-written Peer; the broker's rules on top of that.
 */
class BrokerTest {
  static final String NS = "xcl-broker";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  BrokerServer server;
  KubernetesClient admin;
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void setUp() {
    server = new BrokerServer();
    admin = server.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    server.close();
  }

  Store store(String peer) {
    EmbeddedStore s = EmbeddedStore.open(dir.resolve("state-" + peer));
    closing.add(s);
    return s;
  }

  static GatewayExIp.Spec spec(int port, String... ips) {
    return new GatewayExIp.Spec(List.of(ips), port, null, null, null, null, null, null);
  }

  Broker broker(BrokerConfig config, Store store) {
    Broker b = new Broker(config, server.client(), store);
    closing.add(b);
    return b.start();
  }

  Broker broker(String peer, Store store, GatewayExIp.Spec spec) {
    return broker(BrokerConfig.of(peer, NS, spec), store);
  }

  static Optional<Peer> peer(Store s, String name) {
    return s.get(new ObjectKey(Kind.PEER, null, name)).map(Peer.class::cast);
  }

  static List<Peer.GatewayAddress> gateways(String host, int port) {
    return List.of(new Peer.GatewayAddress(host, port));
  }

  void awaitPeer(Store s, String name, List<Peer.GatewayAddress> expected) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Optional<Peer> p = peer(s, name);
              assertThat(p).as("Peer %s", name).isPresent();
              assertThat(p.get().spec().gateways()).isEqualTo(expected);
            });
  }

  GenericKubernetesResource object(String name) {
    return admin
        .genericKubernetesResources(GatewayExIps.CONTEXT)
        .inNamespace(NS)
        .withName(name)
        .get();
  }

  /** Every Peer event of a store from now on (to show nothing was ever deleted). */
  static List<StoreEvent> peerEvents(Store s) {
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    s.addListener(
        e -> {
          if (e.object().kind() == Kind.PEER) {
            events.add(e);
          }
        });
    return events;
  }

  @Test
  void twoPeersFindEachOtherWithNoHandWrittenPeer() {
    Store west = store("west");
    Store east = store("east");
    broker(
        "west",
        west,
        new GatewayExIp.Spec(
            List.of("127.0.0.1"), 7001, "242.1.0.0/16", null, null, null, null, null));
    broker("east", east, spec(7002, "127.0.0.2", "127.0.0.3"));

    awaitPeer(west, "east", List.of(ga("127.0.0.2", 7002), ga("127.0.0.3", 7002)));
    awaitPeer(east, "west", gateways("127.0.0.1", 7001));
    assertThat(peer(west, "east").get().metadata().labels())
        .containsEntry("xclusterlink.io/managed-by", "broker");
    assertThat(peer(west, "west")).as("no Peer for itself").isEmpty();
    assertThat(peer(east, "east")).as("no Peer for itself").isEmpty();

    GenericKubernetesResource published = object("west");
    assertThat(published.getMetadata().getLabels()).containsEntry("xclusterlink.io/peer", "west");
    assertThat(GatewayExIps.parse(published).spec())
        .isEqualTo(
            new GatewayExIp.Spec(
                List.of("127.0.0.1"), 7001, "242.1.0.0/16", null, null, null, null, null));
  }

  static Peer.GatewayAddress ga(String host, int port) {
    return new Peer.GatewayAddress(host, port);
  }

  @Test
  void aChangeOfAddressesReachesThePeerAndNodesAddUp() {
    Store west = store("west");
    broker("west", west, spec(7001, "127.0.0.1"));
    Broker east = broker("east", store("east"), spec(7002, "127.0.0.2"));
    awaitPeer(west, "east", gateways("127.0.0.2", 7002));

    east.publish(spec(7003, "127.0.0.4"));
    awaitPeer(west, "east", gateways("127.0.0.4", 7003));

    // a second gateway node of east publishes under <peer>-<node>: both are gateways of east
    Broker eastNode2 =
        broker(BrokerConfig.of("east", NS, spec(7004, "127.0.0.5")).withNode("n2"), store("east2"));
    awaitPeer(west, "east", List.of(ga("127.0.0.4", 7003), ga("127.0.0.5", 7004)));
    eastNode2.close();
    awaitPeer(west, "east", gateways("127.0.0.4", 7003));
  }

  @Test
  void aPeerThatWithdrawsDisappearsUnlessItKeepsItsObject() {
    Store west = store("west");
    broker("west", west, spec(7001, "127.0.0.1"));
    Broker east = broker("east", store("east"), spec(7002, "127.0.0.2"));
    Broker north =
        broker(
            BrokerConfig.of("north", NS, spec(7003, "127.0.0.3")).withKeepOnClose(true),
            store("north"));
    awaitPeer(west, "east", gateways("127.0.0.2", 7002));
    awaitPeer(west, "north", gateways("127.0.0.3", 7003));

    east.close();
    await().atMost(WAIT).until(() -> peer(west, "east").isEmpty());
    assertThat(object("east")).as("withdrawn from the broker").isNull();

    north.close();
    assertThat(object("north")).as("kept in the broker").isNotNull();
    // a fence: a later peer's arrival shows west has seen everything before it
    broker("south", store("south"), spec(7005, "127.0.0.5"));
    awaitPeer(west, "south", gateways("127.0.0.5", 7005));
    assertThat(peer(west, "north")).isPresent();
  }

  @Test
  void aPeerWrittenByAUserWins() {
    Store west = store("west");
    Peer mine =
        new Peer(
            ObjectMeta.of("east", null), new Peer.Spec(gateways("10.9.9.9", 443)), Status.EMPTY);
    west.put(mine);
    broker("west", west, spec(7001, "127.0.0.1"));
    Broker east = broker("east", store("east"), spec(7002, "127.0.0.2"));
    broker("north", store("north"), spec(7003, "127.0.0.3"));
    awaitPeer(west, "north", gateways("127.0.0.3", 7003)); // fence: east was seen before north
    assertThat(peer(west, "east").get().spec().gateways()).isEqualTo(gateways("10.9.9.9", 443));
    assertThat(peer(west, "east").get().metadata().labels()).isEmpty();

    // a change of east's addresses does not touch it either
    east.publish(spec(7012, "127.0.0.12"));
    await().atMost(WAIT).until(() -> GatewayExIps.parse(object("east")).spec().port() == 7012);
    broker("south", store("south"), spec(7005, "127.0.0.5"));
    awaitPeer(west, "south", gateways("127.0.0.5", 7005));
    assertThat(peer(west, "east").get().spec().gateways()).isEqualTo(gateways("10.9.9.9", 443));

    // the user removes their Peer: the broker's takes its place
    west.delete(new ObjectKey(Kind.PEER, null, "east"));
    awaitPeer(west, "east", gateways("127.0.0.12", 7012));

    // the user writes theirs again over the managed one: the broker leaves it, even on withdrawal
    west.put(mine);
    east.close();
    await().atMost(WAIT).until(() -> object("east") == null);
    broker("south2", store("south2"), spec(7006, "127.0.0.6"));
    awaitPeer(west, "south2", gateways("127.0.0.6", 7006));
    assertThat(peer(west, "east").get().spec().gateways()).isEqualTo(gateways("10.9.9.9", 443));
  }

  @Test
  void itsOwnObjectIsPutBackWhenDeletedOrChanged() {
    broker("west", store("west"), spec(7001, "127.0.0.1"));
    await().atMost(WAIT).until(() -> object("west") != null);

    admin
        .genericKubernetesResources(GatewayExIps.CONTEXT)
        .inNamespace(NS)
        .withName("west")
        .delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(object("west")).as("re-published after a delete").isNotNull());

    GenericKubernetesResource changed =
        GatewayExIps.toResource(NS, "west", "west", spec(9999, "10.0.0.1"));
    changed.getMetadata().setResourceVersion(object("west").getMetadata().getResourceVersion());
    admin
        .genericKubernetesResources(GatewayExIps.CONTEXT)
        .inNamespace(NS)
        .resource(changed)
        .update();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(GatewayExIps.parse(object("west")).spec())
                    .as("re-published after a foreign change")
                    .isEqualTo(spec(7001, "127.0.0.1")));
  }

  @Test
  void theBrokerDownKeepsEveryPeerAndAResyncPicksUpWhatChanged() {
    Store west = store("west");
    Broker westBroker = broker("west", west, spec(7001, "127.0.0.1"));
    Broker east = broker("east", store("east"), spec(7002, "127.0.0.2"));
    awaitPeer(west, "east", gateways("127.0.0.2", 7002));
    List<StoreEvent> events = peerEvents(west);

    server.stop();
    await().atMost(WAIT).until(() -> !westBroker.watching() && !east.watching());
    assertThat(peer(west, "east")).as("kept while the broker is down").isPresent();
    east.publish(spec(7003, "127.0.0.3")); // cannot reach the broker now

    server.restart(false);
    awaitPeer(west, "east", gateways("127.0.0.3", 7003));
    assertThat(events).noneMatch(e -> e.type() == EventType.DELETED);
  }

  @Test
  void aPeerThatLeftWhileTheWatchWasDownGoesAtOnceWhenTheBrokerKeptItsState() {
    Store west = store("west");
    Broker westBroker =
        broker(
            BrokerConfig.of("west", NS, spec(7001, "127.0.0.1"))
                .withAbsenceGrace(Duration.ofMinutes(10)),
            west);
    Broker east =
        broker(
            BrokerConfig.of("east", NS, spec(7002, "127.0.0.2")).withKeepOnClose(true),
            store("east"));
    awaitPeer(west, "east", gateways("127.0.0.2", 7002));
    east.close();

    server.stop();
    await().atMost(WAIT).until(() -> !westBroker.watching());
    server.changeWhileStopped(
        c ->
            c.genericKubernetesResources(GatewayExIps.CONTEXT)
                .inNamespace(NS)
                .withName("east")
                .delete());
    server.restart(false);
    // west's own object is the one it knew: the broker kept its state, so east really left
    await().atMost(WAIT).until(() -> peer(west, "east").isEmpty());
  }

  @Test
  void aBrokerBackWithLostStateIsRepublishedAndDeletesNothing() {
    Store west = store("west");
    Store east = store("east");
    Broker westBroker = broker("west", west, spec(7001, "127.0.0.1"));
    Broker eastBroker = broker("east", east, spec(7002, "127.0.0.2"));
    awaitPeer(west, "east", gateways("127.0.0.2", 7002));
    awaitPeer(east, "west", gateways("127.0.0.1", 7001));
    List<StoreEvent> westEvents = peerEvents(west);
    List<StoreEvent> eastEvents = peerEvents(east);

    server.stop();
    await().atMost(WAIT).until(() -> !westBroker.watching() && !eastBroker.watching());
    server.restart(true);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(object("west")).isNotNull();
              assertThat(object("east")).isNotNull();
            });
    await().atMost(WAIT).until(() -> westBroker.watching() && eastBroker.watching());
    awaitPeer(west, "east", gateways("127.0.0.2", 7002));
    awaitPeer(east, "west", gateways("127.0.0.1", 7001));
    assertThat(westEvents).noneMatch(e -> e.type() == EventType.DELETED);
    assertThat(eastEvents).noneMatch(e -> e.type() == EventType.DELETED);
  }

  @Test
  void aManagedPeerWhosePeerLeftWhileThisOneWasAwayGoesAfterTheGrace() {
    Store west = store("west");
    west.put(
        new Peer(
            new ObjectMeta("gone", null, Map.of("xclusterlink.io/managed-by", "broker")),
            new Peer.Spec(gateways("127.0.0.9", 7009)),
            Status.EMPTY));
    west.put(new Peer(ObjectMeta.of("mine", null), new Peer.Spec(gateways("10.0.0.1", 1)), null));
    broker(
        BrokerConfig.of("west", NS, spec(7001, "127.0.0.1"))
            .withAbsenceGrace(Duration.ofMillis(300)),
        west);
    await().atMost(WAIT).until(() -> peer(west, "gone").isEmpty());
    assertThat(peer(west, "mine")).as("a user's Peer is never deleted").isPresent();
  }

  @Test
  void anObjectThatDoesNotCheckOutMakesNoPeer() {
    Store west = store("west");
    broker("west", west, spec(7001, "127.0.0.1"));
    GenericKubernetesResource bad = GatewayExIps.toResource(NS, "bad", "bad", spec(1, "127.0.0.7"));
    bad.setAdditionalProperties(
        Map.of("spec", Map.of("externalIps", List.of("127.0.0.7"), "port", 70000)));
    admin.genericKubernetesResources(GatewayExIps.CONTEXT).inNamespace(NS).resource(bad).create();
    GenericKubernetesResource spoofed =
        GatewayExIps.toResource(NS, "other-name", "east", spec(7002, "127.0.0.2"));
    admin
        .genericKubernetesResources(GatewayExIps.CONTEXT)
        .inNamespace(NS)
        .resource(spoofed)
        .create();
    broker("north", store("north"), spec(7003, "127.0.0.3"));
    awaitPeer(west, "north", gateways("127.0.0.3", 7003));
    assertThat(peer(west, "bad")).isEmpty();
    assertThat(peer(west, "east")).as("a name that is not <peer>[-<node>]").isEmpty();
  }

  @Test
  void aKubeconfigFileIsAllItTakes() throws Exception {
    Path file = dir.resolve("broker.kubeconfig");
    java.nio.file.Files.writeString(
        file,
        "apiVersion: v1\nkind: Config\ncurrent-context: broker\n"
            + "clusters:\n- name: broker\n  cluster:\n    server: "
            + server.url()
            + "\n    insecure-skip-tls-verify: true\n"
            + "users:\n- name: west\n  user:\n    token: not-checked-by-the-mock\n"
            + "contexts:\n- name: broker\n  context: {cluster: broker, user: west, namespace: other}\n");
    Store west = store("west");
    Broker b =
        Broker.fromKubeconfig(BrokerConfig.of("west", NS, spec(7001, "127.0.0.1")), file, west);
    closing.add(b);
    b.start();
    broker("east", store("east"), spec(7002, "127.0.0.2"));
    awaitPeer(west, "east", gateways("127.0.0.2", 7002));
    await().atMost(WAIT).until(() -> object("west") != null);

    assertThatThrownBy(
            () ->
                Broker.fromKubeconfig(
                    BrokerConfig.of("west", NS, spec(7001, "127.0.0.1")),
                    dir.resolve("missing.kubeconfig"),
                    west))
        .isInstanceOf(GatewayStartException.class)
        .hasMessage(
            "--broker-kubeconfig: "
                + dir.resolve("missing.kubeconfig")
                + ": not a readable file (expected: a kubeconfig)");
  }
}
