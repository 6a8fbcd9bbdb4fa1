package io.xclusterlink.agent.objects;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.Ipv4Prefix;
import io.xclusterlink.agent.plan.LocalGateway;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Overlap;
import io.xclusterlink.agent.plan.Plan;
import io.xclusterlink.agent.plan.RemoteGateway;
import io.xclusterlink.agent.plan.Tunnel;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Vpc;
import io.xclusterlink.api.VpcNatTunnel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TunnelFromObjectsTest {
  private static final NodeIdentity ROUTER =
      new NodeIdentity(true, "router", "default", "vpc-a", null, null, null, null, null, "tr0");
  private static final NodeIdentity G1 =
      new NodeIdentity(
          false,
          "a-g1",
          "default",
          "vpc-a",
          null,
          Ipv4.parse("192.168.100.11"),
          Ipv4.parse("100.64.0.11"),
          Ipv4.parse("10.10.0.11"),
          "ul0",
          "tr0");

  private static VpcNatTunnel tunnel(String type) {
    return new VpcNatTunnel(
        ObjectMeta.of("to-b", "default"),
        new VpcNatTunnel.Spec("vpc-a", "b", "vpc-b", "100.64.0.0/24", type, 42, null, 1500),
        null);
  }

  private static Vpc vpc(String cidr, String global) {
    return new Vpc(
        ObjectMeta.of("vpc-a", "default"),
        new Vpc.Spec(List.of(cidr), global, new Vpc.Router("10.10.0.1")),
        null);
  }

  private static GatewayExIp local(int i) {
    return new GatewayExIp(
        ObjectMeta.of("a-g" + i, "default"),
        new GatewayExIp.Spec(
            List.of("192.168.100.1" + i),
            null,
            null,
            "vpc-a",
            "a-g" + i,
            "100.64.0.1" + i,
            "10.10.0.1" + i,
            List.of("10.10.0.0/16")),
        null);
  }

  private static GatewayExIp remote(String peer, String vpc, int i, String global, String cidr) {
    return new GatewayExIp(
        new ObjectMeta(
            peer + ".b-g" + i,
            "default",
            Map.of(GatewayExIp.PEER_LABEL, peer, GatewayExIp.LEARNED_LABEL, "true")),
        new GatewayExIp.Spec(
            List.of("fd00::2" + i, "192.168.100.2" + i),
            null,
            global,
            vpc,
            "b-g" + i,
            "100.64.0.2" + i,
            null,
            List.of(cidr)),
        null);
  }

  private static List<GatewayExIp> bed(int remotes) {
    List<GatewayExIp> out = new ArrayList<>(List.of(local(1), local(2), local(3)));
    for (int i = 1; i <= remotes; i++) {
      out.add(remote("b", "vpc-b", i, null, "10.20.0.0/16"));
    }
    // noise: another peer's and another VPC's gateways, and a local gateway typed by hand with
    // the peer label but not learned
    out.add(remote("c", "vpc-b", 9, null, "10.30.0.0/16"));
    out.add(remote("b", "vpc-x", 8, null, "10.40.0.0/16"));
    return out;
  }

  private static Tunnel ready(TunnelFromObjects.Outcome o) {
    assertThat(o).isInstanceOf(TunnelFromObjects.Ready.class);
    return ((TunnelFromObjects.Ready) o).tunnel();
  }

  @Test
  void theObjectsOfBothSidesMakeTheTunnelTheConfigFileDescribed() {
    Tunnel t =
        ready(
            TunnelFromObjects.build(G1, tunnel(null), List.of(vpc("10.10.0.0/16", null)), bed(3)));

    assertThat(t.vxlan().vni()).isEqualTo(42);
    assertThat(t.vxlan().port()).isEqualTo(4789);
    assertThat(t.vxlan().mtu()).isEqualTo(1500);
    assertThat(t.vxlan().underlayDevice()).isEqualTo("ul0");
    assertThat(t.vxlan().overlayNetwork()).isEqualTo(Ipv4Prefix.parse("100.64.0.0/24"));
    assertThat(t.transitDevice()).isEqualTo("tr0");
    assertThat(t.routerTransit()).isEqualTo(Ipv4.parse("10.10.0.1"));
    assertThat(t.localPrefixes()).containsExactly(Ipv4Prefix.parse("10.10.0.0/16"));
    assertThat(t.remotePrefixes()).containsExactly(Ipv4Prefix.parse("10.20.0.0/16"));
    assertThat(t.localGateways())
        .extracting(LocalGateway::name)
        .containsExactly("a-g1", "a-g2", "a-g3");
    assertThat(t.localGateways().get(1).transit()).isEqualTo(Ipv4.parse("10.10.0.12"));
    assertThat(t.remoteGateways())
        .extracting(RemoteGateway::name, g -> g.underlay().toString(), g -> g.overlay().toString())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b-g1", "192.168.100.21", "100.64.0.21"),
            org.assertj.core.groups.Tuple.tuple("b-g2", "192.168.100.22", "100.64.0.22"),
            org.assertj.core.groups.Tuple.tuple("b-g3", "192.168.100.23", "100.64.0.23"));
    assertThat(t.overlap()).isEqualTo(new Overlap.None());
  }

  @Test
  void aRemoteGatewayWithdrawnChangesOnlyItsOwnKernelObjects() {
    List<GatewayExIp> three = bed(3);
    List<GatewayExIp> two = new ArrayList<>(three);
    two.removeIf(g -> "b-g3".equals(g.nodeName()));
    Tunnel before =
        ready(TunnelFromObjects.build(G1, tunnel(null), List.of(vpc("10.10.0.0/16", null)), three));
    Tunnel after =
        ready(TunnelFromObjects.build(G1, tunnel(null), List.of(vpc("10.10.0.0/16", null)), two));

    var changes = Plan.diff(Plan.desired(G1.node(), after), Plan.desired(G1.node(), before));

    // its FDB entry, neighbour and nexthop go and the group is replaced; the hash seed (derived
    // from the remote VPC's prefixes, trap 2) stays, so no other flow is re-hashed; no route, no
    // device
    assertThat(changes).isNotEmpty();
    assertThat(changes)
        .allSatisfy(
            c -> {
              String kind = c.object().kind().name();
              String text = c.object().toString();
              assertThat(
                      kind.equals("RESILIENT_GROUP")
                          || text.contains("100.64.0.23")
                          || text.contains("192.168.100.23"))
                  .as("%s", c)
                  .isTrue();
            });
    assertThat(changes.stream().map(c -> c.object().kind().name()))
        .doesNotContain("ROUTE", "VXLAN_LINK", "LINK_ADDRESS");
  }

  @Test
  void theRouterNeedsNoOwnGatewayExIpAndThePlanIsTheSameForEveryInputOrder() {
    List<GatewayExIp> gws = bed(2);
    List<GatewayExIp> reversed = new ArrayList<>(gws);
    java.util.Collections.reverse(reversed);

    Tunnel a =
        ready(
            TunnelFromObjects.build(ROUTER, tunnel(null), List.of(vpc("10.10.0.0/16", null)), gws));
    Tunnel b =
        ready(
            TunnelFromObjects.build(
                ROUTER, tunnel(null), List.of(vpc("10.10.0.0/16", null)), reversed));

    assertThat(a).isEqualTo(b);
    assertThat(Plan.desired(new Node.VpcRouter(), a)).isNotEmpty();
  }

  @Test
  void overlappingVpcsAreTranslatedOntoTheirGlobalRanges() {
    List<GatewayExIp> gws = new ArrayList<>(List.of(local(1)));
    gws.add(remote("b", "vpc-b", 1, "242.0.2.0/24", "10.10.1.0/24"));

    Tunnel t =
        ready(
            TunnelFromObjects.build(
                G1, tunnel(null), List.of(vpc("10.10.1.0/24", "242.0.1.0/24")), gws));

    assertThat(t.remotePrefixes()).containsExactly(Ipv4Prefix.parse("242.0.2.0/24"));
    Overlap.Translated tr = (Overlap.Translated) t.overlap();
    assertThat(tr.globalSpace()).isEqualTo(Ipv4Prefix.parse("242.0.0.0/22"));
    assertThat(tr.translations())
        .containsExactly(
            new Overlap.Translation(
                Ipv4Prefix.parse("10.10.1.0/24"), Ipv4Prefix.parse("242.0.1.0/24")));
  }

  @Test
  void whatIsMissingIsNamed() {
    var vpcs = List.of(vpc("10.10.0.0/16", null));
    assertThat(TunnelFromObjects.build(G1, tunnel(null), List.of(), bed(1)))
        .isEqualTo(new TunnelFromObjects.NotReady("VpcMissing", "no Vpc default/vpc-a"));
    assertThat(TunnelFromObjects.build(G1, tunnel(null), vpcs, bed(0)))
        .isEqualTo(
            new TunnelFromObjects.NotReady(
                "WaitingForGateways", "no GatewayExIp of b/vpc-b learned yet"));
    assertThat(
            TunnelFromObjects.build(
                G1,
                tunnel(null),
                vpcs,
                List.of(local(2), remote("b", "vpc-b", 1, null, "10.20.0.0/16"))))
        .isEqualTo(
            new TunnelFromObjects.NotReady(
                "WaitingForGateways", "this node's GatewayExIp a-g1 is not stored yet"));
    // the remote publishes the same CIDR as ours and no global range: refused, not programmed
    List<GatewayExIp> clash = new ArrayList<>(List.of(local(1)));
    clash.add(remote("b", "vpc-b", 1, null, "10.10.0.0/16"));
    TunnelFromObjects.Outcome o = TunnelFromObjects.build(G1, tunnel(null), vpcs, clash);
    assertThat(o).isInstanceOf(TunnelFromObjects.NotReady.class);
    assertThat(((TunnelFromObjects.NotReady) o).reason()).isEqualTo("InvalidTopology");
    assertThat(((TunnelFromObjects.NotReady) o).message()).contains("overlaps local 10.10.0.0/16");
  }

  @Test
  void theOwnGatewayExIpCarriesTheNodesAddressesAndItsVpcsRanges() {
    GatewayExIp own = TunnelFromObjects.own(G1, vpc("10.10.1.0/24", "242.0.1.0/24"));

    assertThat(own.metadata().name()).isEqualTo("a-g1");
    assertThat(own.spec().externalIps()).containsExactly("192.168.100.11");
    assertThat(own.spec().tunnelIp()).isEqualTo("100.64.0.11");
    assertThat(own.spec().transitIp()).isEqualTo("10.10.0.11");
    assertThat(own.spec().globalNetCIDR()).isEqualTo("242.0.1.0/24");
    assertThat(own.spec().cidrs()).containsExactly("10.10.1.0/24");
    io.xclusterlink.api.Validation.validate(own, true);
  }

  @Test
  void theCoveringPrefixIsTheSmallestHoldingAll() {
    assertThat(
            TunnelFromObjects.covering(
                List.of(Ipv4Prefix.parse("242.0.1.0/24"), Ipv4Prefix.parse("242.0.1.0/24"))))
        .isEqualTo(Ipv4Prefix.parse("242.0.1.0/24"));
    assertThat(
            TunnelFromObjects.covering(
                List.of(Ipv4Prefix.parse("242.0.1.0/24"), Ipv4Prefix.parse("242.1.0.0/16"))))
        .isEqualTo(Ipv4Prefix.parse("242.0.0.0/15"));
  }
}
