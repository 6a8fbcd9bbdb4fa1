package io.xclusterlink.kube.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerProjectionTest {
  static PublishedGateway pub(String name, String peer, Integer port, String... ips) {
    return new PublishedGateway(
        name, peer, new GatewayExIp.Spec(List.of(ips), port, null, null, null, null, null, null));
  }

  static Peer stored(String name, Map<String, String> labels, String rv, String host, int port) {
    return new Peer(
        new ObjectMeta(name, null, labels, rv, 1L),
        new Peer.Spec(List.of(new Peer.GatewayAddress(host, port))),
        Status.EMPTY);
  }

  static final Map<String, String> MANAGED = Map.of("xclusterlink.io/managed-by", "broker");

  @Test
  void everyAddressOfEveryNodeInNameOrderWithoutDuplicates() {
    Peer p =
        PeerProjection.desired(
                "east",
                List.of(
                    pub("east-n2", "east", 7002, "10.0.0.3", "10.0.0.1"),
                    pub("east-l3", "east", null, "10.0.0.7"),
                    pub("east", "east", 7001, "10.0.0.1", "10.0.0.2", "10.0.0.1"),
                    pub("north", "north", 7009, "10.9.9.9")))
            .orElseThrow();
    assertThat(p.metadata().name()).isEqualTo("east");
    assertThat(p.metadata().namespace()).isNull();
    assertThat(p.metadata().labels()).isEqualTo(MANAGED);
    assertThat(p.spec().gateways())
        .containsExactly(
            new Peer.GatewayAddress("10.0.0.1", 7001),
            new Peer.GatewayAddress("10.0.0.2", 7001),
            new Peer.GatewayAddress("10.0.0.3", 7002),
            new Peer.GatewayAddress("10.0.0.1", 7002));
  }

  @Test
  void nothingPublishedIsNoPeer() {
    assertThat(PeerProjection.desired("east", List.of(pub("north", "north", 1, "10.0.0.1"))))
        .isEmpty();
  }

  @Test
  void aUsersPeerIsNeitherWrittenNorDeleted() {
    Optional<XclObject> users = Optional.of(stored("east", Map.of(), "7", "10.9.9.9", 443));
    Optional<Peer> want =
        PeerProjection.desired("east", List.of(pub("east", "east", 1, "10.0.0.1")));
    assertThat(PeerProjection.decide(users, want, true)).isInstanceOf(PeerAction.Leave.class);
    assertThat(PeerProjection.decide(users, Optional.empty(), true))
        .isInstanceOf(PeerAction.Leave.class);
    // another label does not make it the broker's
    Optional<XclObject> other =
        Optional.of(stored("east", Map.of("xclusterlink.io/managed-by", "me"), "7", "h", 1));
    assertThat(PeerProjection.decide(other, want, true)).isInstanceOf(PeerAction.Leave.class);
  }

  @Test
  void aManagedPeerFollowsWhatIsPublishedAndCarriesItsVersion() {
    Optional<Peer> want =
        PeerProjection.desired("east", List.of(pub("east", "east", 2, "10.0.0.2")));
    assertThat(PeerProjection.decide(Optional.empty(), want, false))
        .isEqualTo(new PeerAction.Put(want.get()));

    Optional<XclObject> old = Optional.of(stored("east", MANAGED, "41", "10.0.0.1", 1));
    PeerAction a = PeerProjection.decide(old, want, false);
    assertThat(a).isInstanceOf(PeerAction.Put.class);
    Peer put = ((PeerAction.Put) a).peer();
    assertThat(put.metadata().resourceVersion()).isEqualTo("41");
    assertThat(put.spec()).isEqualTo(want.get().spec());

    Optional<XclObject> same = Optional.of(stored("east", MANAGED, "42", "10.0.0.2", 2));
    assertThat(PeerProjection.decide(same, want, false)).isInstanceOf(PeerAction.Leave.class);
  }

  @Test
  void aManagedPeerIsDeletedOnlyWhenTheWithdrawalIsCertain() {
    Optional<XclObject> managed = Optional.of(stored("east", MANAGED, "41", "10.0.0.1", 1));
    assertThat(PeerProjection.decide(managed, Optional.empty(), false))
        .isInstanceOf(PeerAction.Leave.class);
    assertThat(PeerProjection.decide(managed, Optional.empty(), true))
        .isEqualTo(new PeerAction.Delete(managed.get().key()));
    assertThat(PeerProjection.decide(Optional.empty(), Optional.empty(), true))
        .isInstanceOf(PeerAction.Leave.class);
  }
}
