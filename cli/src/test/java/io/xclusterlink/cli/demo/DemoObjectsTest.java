package io.xclusterlink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.LbScheme;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.PolicyAction;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoObjectsTest {
  private static final List<DemoPeer> PEERS =
      List.of(
          new DemoPeer("p1", 7001, java.nio.file.Path.of("/demo/state/p1"), 9001),
          new DemoPeer("p2", 7002, java.nio.file.Path.of("/demo/state/p2"), 9002),
          new DemoPeer("p3", 7003, java.nio.file.Path.of("/demo/state/p3"), 9003));

  private static List<XclObject> parseValid(String yaml) {
    List<XclObject> objects = ObjectCodec.readYaml(yaml);
    objects.forEach(o -> Validation.validate(o, true));
    return objects;
  }

  @Test
  void givesEveryPeerAllPeersItsExportAndAnAllowAllPolicy() {
    List<XclObject> objects = parseValid(DemoObjects.peerObjects(PEERS.get(1), PEERS));

    assertThat(objects)
        .extracting(XclObject::kind)
        .containsExactly(Kind.PEER, Kind.PEER, Kind.PEER, Kind.EXPORT, Kind.ACCESS_POLICY);
    Peer p3 = (Peer) objects.get(2);
    assertThat(p3.metadata().name()).isEqualTo("p3");
    assertThat(p3.spec().gateways()).containsExactly(new Peer.GatewayAddress("127.0.0.1", 7003));
    Export export = (Export) objects.get(3);
    assertThat(export.metadata().name()).isEqualTo("hello");
    assertThat(export.spec()).isEqualTo(new Export.Spec("127.0.0.1", 9002));
    AccessPolicy allow = (AccessPolicy) objects.get(4);
    assertThat(allow.metadata().name()).isEqualTo("allow-all");
    assertThat(allow.spec().action()).isEqualTo(PolicyAction.ALLOW);
  }

  @Test
  void importsHelloFromEveryPeerRoundRobinOnTheGivenPort() {
    Import imp = (Import) parseValid(DemoObjects.helloImport(PEERS, 15000)).get(0);

    assertThat(imp.spec().targetPort()).isEqualTo(15000);
    assertThat(imp.spec().lbScheme()).isEqualTo(LbScheme.ROUND_ROBIN);
    assertThat(imp.spec().sources())
        .containsExactly(
            new Import.Source("p1", "hello", "default"),
            new Import.Source("p2", "hello", "default"),
            new Import.Source("p3", "hello", "default"));
  }

  @Test
  void deniesEverythingFromOnePeer() {
    AccessPolicy deny = (AccessPolicy) parseValid(DemoObjects.denyPeer("p1")).get(0);

    assertThat(deny.metadata().name()).isEqualTo("deny-p1");
    assertThat(deny.spec().action()).isEqualTo(PolicyAction.DENY);
    assertThat(deny.spec().from().get(0).workloadSelector().matchLabels())
        .isEqualTo(Map.of("peer.xclusterlink.io/name", "p1"));
  }
}
