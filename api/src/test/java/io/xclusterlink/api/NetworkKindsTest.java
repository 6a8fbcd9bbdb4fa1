package io.xclusterlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkKindsTest {
  private static final String HEADER = "apiVersion: xclusterlink.io/v1alpha1\n";

  private static String messageOf(Runnable r) {
    Throwable t = catchThrowable(r::run);
    assertThat(t).isInstanceOf(InvalidObjectException.class);
    return t.getMessage();
  }

  private static XclObject one(String yaml) {
    List<XclObject> objects = ObjectCodec.readYaml(HEADER + yaml);
    assertThat(objects).hasSize(1);
    return objects.get(0);
  }

  @Test
  void readsTheThreeKindsFromYamlWithTheirDefaults() {
    GatewayExIp g =
        (GatewayExIp)
            one(
                "kind: GatewayExIp\nmetadata: {name: a-g1}\n"
                    + "spec: {externalIps: [192.168.100.11], vpc: vpc-a, tunnelIp: 100.64.0.11,"
                    + " transitIp: 10.10.0.11, cidrs: [10.10.0.0/16], port: 8443}\n");
    VpcNatTunnel t =
        (VpcNatTunnel)
            one(
                "kind: VpcNatTunnel\nmetadata: {name: to-b, namespace: net}\n"
                    + "spec: {localVpc: vpc-a, remoteCluster: b, remoteVpc: vpc-b,"
                    + " interfaceAddr: 100.64.0.0/24}\n");
    Vpc v =
        (Vpc)
            one(
                "kind: Vpc\nmetadata: {name: vpc-a}\n"
                    + "spec: {cidrs: [10.10.1.0/24], globalNetCIDR: 242.0.1.0/24,"
                    + " router: {transitIp: 10.10.0.1}}\n");

    assertThat(g.metadata().namespace()).isEqualTo("default");
    assertThat(g.nodeName()).isEqualTo("a-g1");
    assertThat(g.spec().port()).isEqualTo(8443);
    assertThat(g.learnedFrom()).isNull();
    assertThat(t.spec().typeOrDefault()).isEqualTo("vxlan");
    assertThat(t.spec().vniOrDefault()).isEqualTo(VpcNatTunnel.DEFAULT_VNI);
    assertThat(t.spec().udpPortOrDefault()).isEqualTo(4789);
    assertThat(t.spec().mtuOrDefault()).isEqualTo(1450);
    assertThat(v.spec().router().transitIp()).isEqualTo("10.10.0.1");
    for (XclObject o : List.of(g, t, v)) {
      assertThatCode(() -> Validation.validate(o, true)).doesNotThrowAnyException();
    }
  }

  @Test
  void aLearnedGatewayExIpNamesItsPeer() {
    GatewayExIp g = SampleObjects.gatewayExIp();
    GatewayExIp learned =
        g.withMetadata(
            new ObjectMeta(
                "b.b-g1",
                "default",
                Map.of(GatewayExIp.PEER_LABEL, "b", GatewayExIp.LEARNED_LABEL, "true")));
    GatewayExIp labelledOnly =
        g.withMetadata(new ObjectMeta("x", "default", Map.of(GatewayExIp.PEER_LABEL, "b")));

    assertThat(learned.learnedFrom()).isEqualTo("b");
    assertThat(labelledOnly.learnedFrom()).isNull();
  }

  @Test
  void theTunnelStatusRoundTripsAndAnEmptyStatusIsNotWritten() {
    Status status =
        Status.EMPTY
            .withCondition(Condition.TUNNEL_READY, true, "Programmed", "4 nodes")
            .withTunnel(
                new TunnelStatus(
                    List.of(new TunnelStatus.NodeState("router", true, null, null, null)),
                    List.of(new TunnelStatus.GatewayState("a-g1", "Up", 43, "router")),
                    List.of(new TunnelStatus.GatewayState("b-g1", "Down", 0, "a-g1")),
                    "2026-12-02T12:00:00Z"));
    VpcNatTunnel t = SampleObjects.tunnel("vxlan").withStatus(status);

    String yaml = ObjectCodec.toYaml(List.of(t));
    VpcNatTunnel back = (VpcNatTunnel) ObjectCodec.readYaml(yaml).get(0);

    assertThat(back.status()).isEqualTo(status);
    assertThat(back.status().tunnel().remoteGateways().get(0).health()).isEqualTo("Down");
    assertThat(ObjectCodec.toYaml(List.of(SampleObjects.tunnel("vxlan")))).doesNotContain("status");
    assertThat(Status.EMPTY.withCondition("X", true, "r", "m").withTunnel(null).tunnel()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "spec: {vpc: v}|GatewayExIp default/g: spec.externalIps: missing (expected: at least one IP address)",
        "spec: {externalIps: [10.0.0.300]}|GatewayExIp default/g: spec.externalIps[0]: '10.0.0.300' (expected: an IPv4 or IPv6 address)",
        "spec: {externalIps: [gw.example.com]}|GatewayExIp default/g: spec.externalIps[0]: 'gw.example.com' (expected: an IPv4 or IPv6 address)",
        "spec: {externalIps: [10.0.0.1, 10.0.0.1]}|GatewayExIp default/g: spec.externalIps[1]: 10.0.0.1 twice (expected: unique addresses)",
        "spec: {externalIps: ['fd00::1'], port: 0}|GatewayExIp default/g: spec.port: 0 (expected: 1-65535)",
        "spec: {externalIps: [10.0.0.1], globalNetCIDR: 242.0.1.1/24}|GatewayExIp default/g: spec.globalNetCIDR: '242.0.1.1/24' (expected: an IPv4 CIDR a.b.c.d/n with no host bits set)",
        "spec: {externalIps: [10.0.0.1], tunnelIp: 100.64.0}|GatewayExIp default/g: spec.tunnelIp: '100.64.0' (expected: an IPv4 address a.b.c.d)",
        "spec: {externalIps: [10.0.0.1], vpc: Vpc_A}|GatewayExIp default/g: spec.vpc: 'Vpc_A' (expected: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)",
      })
  void refusesABadGatewayExIpNamingTheField(String spec, String message) {
    XclObject g = one("kind: GatewayExIp\nmetadata: {name: g}\n" + spec + "\n");

    assertThat(messageOf(() -> Validation.validate(g, true))).isEqualTo(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "spec: {router: {transitIp: 10.0.0.1}}|Vpc default/v: spec.cidrs: missing (expected: at least one IPv4 CIDR)",
        "spec: {cidrs: [10.10.0.0/33]}|Vpc default/v: spec.cidrs[0]: '10.10.0.0/33' (expected: an IPv4 CIDR a.b.c.d/n with no host bits set)",
        "spec: {cidrs: [10.10.0.0/16], globalNetCIDR: 242.0.1.0/24}|Vpc default/v: spec.globalNetCIDR: 242.0.1.0/24 (expected: with a globalNetCIDR, exactly one CIDR of the same length: the translation is 1:1)",
        "spec: {cidrs: [10.10.0.0/16], router: {}}|Vpc default/v: spec.router.transitIp: missing (expected: an IPv4 address a.b.c.d)",
      })
  void refusesABadVpcNamingTheField(String spec, String message) {
    XclObject v = one("kind: Vpc\nmetadata: {name: v}\n" + spec + "\n");

    assertThat(messageOf(() -> Validation.validate(v, true))).isEqualTo(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "remoteCluster: b, remoteVpc: v, interfaceAddr: 100.64.0.0/24|VpcNatTunnel default/t: spec.localVpc: missing (expected: a name)",
        "localVpc: a, remoteCluster: b, remoteVpc: v, interfaceAddr: 100.64.0.1|VpcNatTunnel default/t: spec.interfaceAddr: '100.64.0.1' (expected: an IPv4 CIDR a.b.c.d/n with no host bits set)",
        "localVpc: a, remoteCluster: b, remoteVpc: v, interfaceAddr: 100.64.0.0/24, type: ipip|VpcNatTunnel default/t: spec.type: 'ipip' (expected: vxlan or gre)",
        "localVpc: a, remoteCluster: b, remoteVpc: v, interfaceAddr: 100.64.0.0/24, vni: 16777216|VpcNatTunnel default/t: spec.vni: 16777216 (expected: 1-16777215)",
        "localVpc: a, remoteCluster: b, remoteVpc: v, interfaceAddr: 100.64.0.0/24, udpPort: 70000|VpcNatTunnel default/t: spec.udpPort: 70000 (expected: 1-65535)",
        "localVpc: a, remoteCluster: b, remoteVpc: v, interfaceAddr: 100.64.0.0/24, mtu: 100|VpcNatTunnel default/t: spec.mtu: 100 (expected: 576-65535)",
      })
  void refusesABadTunnelNamingTheField(String spec, String message) {
    XclObject t = one("kind: VpcNatTunnel\nmetadata: {name: t}\nspec: {" + spec + "}\n");

    assertThat(messageOf(() -> Validation.validate(t, true))).isEqualTo(message);
  }

  @Test
  void greIsAValidType() {
    assertThatCode(() -> Validation.validate(SampleObjects.tunnel("gre"), true))
        .doesNotThrowAnyException();
    assertThat(SampleObjects.tunnel("GRE").spec().typeOrDefault()).isEqualTo("gre");
  }

  @Test
  void reportsOfSeveralNodesAreMergedAndTunnelReadyIsDerivedFromAll() {
    TunnelStatus router =
        new TunnelStatus(
            List.of(new TunnelStatus.NodeState("router", true, null, "programmed", "t1")),
            List.of(
                new TunnelStatus.GatewayState("a-g1", "Up", 64, "router"),
                new TunnelStatus.GatewayState("a-g2", "Up", 64, "router")),
            List.of(),
            "2026-12-02T12:00:00Z");
    TunnelStatus g1 =
        new TunnelStatus(
            List.of(
                new TunnelStatus.NodeState(
                    "a-g1", false, "KernelModuleMissing", "ip_gre is not loaded", "t2")),
            List.of(),
            List.of(new TunnelStatus.GatewayState("b-g1", "Up", 128, "a-g1")),
            null);

    Status s = TunnelStatus.report(Status.EMPTY, router);
    assertThat(s.condition(Condition.TUNNEL_READY).orElseThrow().isTrue()).isTrue();
    s = TunnelStatus.report(s, g1);
    Condition ready = s.condition(Condition.TUNNEL_READY).orElseThrow();
    assertThat(ready.isTrue()).isFalse();
    assertThat(ready.reason()).isEqualTo("KernelModuleMissing");
    assertThat(ready.message()).isEqualTo("a-g1: ip_gre is not loaded");
    assertThat(s.tunnel().localGateways()).hasSize(2);
    assertThat(s.tunnel().lastFailoverTime()).isEqualTo("2026-12-02T12:00:00Z");

    // the router's next report replaces only its own part: a-g2 gone, a-g1 down
    TunnelStatus router2 =
        new TunnelStatus(
            router.nodes(),
            List.of(new TunnelStatus.GatewayState("a-g1", "Down", 0, "router")),
            List.of(),
            "2026-12-02T12:00:05Z");
    s = TunnelStatus.report(s, router2);
    assertThat(s.tunnel().localGateways())
        .containsExactly(new TunnelStatus.GatewayState("a-g1", "Down", 0, "router"));
    assertThat(s.tunnel().remoteGateways()).hasSize(1);
    assertThat(s.tunnel().nodes())
        .extracting(TunnelStatus.NodeState::node)
        .containsExactly("a-g1", "router");
    assertThat(s.tunnel().lastFailoverTime()).isEqualTo("2026-12-02T12:00:05Z");

    // a-g1 ready again: the condition flips back
    s =
        TunnelStatus.report(
            s,
            new TunnelStatus(
                List.of(new TunnelStatus.NodeState("a-g1", true, null, null, "t3")),
                null,
                null,
                null));
    assertThat(s.condition(Condition.TUNNEL_READY).orElseThrow().isTrue()).isTrue();
    assertThat(s.condition(Condition.TUNNEL_READY).orElseThrow().message())
        .isEqualTo("2 node(s) programmed");
  }
}
