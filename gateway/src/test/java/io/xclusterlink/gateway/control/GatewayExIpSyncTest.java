package io.xclusterlink.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.ObjectMeta;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayExIpSyncTest {
  private static final GatewayExIp OWN =
      new GatewayExIp(
          new ObjectMeta("b-g1", "net", Map.of("team", "x")),
          new GatewayExIp.Spec(
              List.of("192.168.100.21"),
              8443,
              "242.0.2.0/24",
              "vpc-b",
              null,
              "100.64.0.21",
              "10.20.0.11",
              List.of("10.20.0.0/16")),
          null);

  @Test
  void aPublishedObjectIsLearnedWithThePeersNameNotItsOwnLabels() {
    GatewayExIp g = GatewayExIpSync.decode("p1", GatewayExIpSync.encode(OWN));

    assertThat(g.metadata().name()).isEqualTo("p1.b-g1");
    assertThat(g.metadata().namespace()).isEqualTo("net");
    assertThat(g.metadata().labels())
        .isEqualTo(Map.of(GatewayExIp.PEER_LABEL, "p1", GatewayExIp.LEARNED_LABEL, "true"));
    assertThat(g.learnedFrom()).isEqualTo("p1");
    assertThat(g.nodeName()).isEqualTo("b-g1");
    assertThat(g.spec().externalIps()).isEqualTo(OWN.spec().externalIps());
    assertThat(g.spec().port()).isEqualTo(8443);
    assertThat(g.spec().globalNetCIDR()).isEqualTo("242.0.2.0/24");
    assertThat(g.spec().cidrs()).containsExactly("10.20.0.0/16");
    assertThat(GatewayExIpSync.encode(OWN)).doesNotContain("\n").doesNotContain("team");
  }

  @Test
  void anInvalidOrMalformedPublishedObjectIsIgnored() {
    assertThat(GatewayExIpSync.decode("p1", "{\"name\":\"x\",\"spec\":{\"externalIps\":[]}}"))
        .isNull();
    assertThat(
            GatewayExIpSync.decode(
                "p1", "{\"name\":\"x\",\"spec\":{\"externalIps\":[\"10.0.0.999\"]}}"))
        .isNull();
    assertThat(GatewayExIpSync.decode("p1", "not json")).isNull();
    assertThat(GatewayExIpSync.decode("p1", "{\"name\":\"x\",\"spec\":{\"bogus\":1}}")).isNull();
  }

  @Test
  void aLearnedNameStaysAValidNameForLongPeerNames() {
    String peer = "a-very-long-peer-name.with.many.labels.example.com";
    String name = GatewayExIpSync.learnedName(peer, "gateway-node-one");

    assertThat(name.length()).isLessThanOrEqualTo(63);
    assertThat(name).startsWith("gateway-node-one.");
    assertThat(GatewayExIpSync.learnedName("p1", "g")).isEqualTo("p1.g");
    assertThat(GatewayExIpSync.learnedName(peer, "gateway-node-one"))
        .isNotEqualTo(GatewayExIpSync.learnedName(peer + "x", "gateway-node-one"));
  }
}
