package io.xclusterlink.cli.objects;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.XclObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code xcl get -o table} of the network path's kinds. */
class NetworkObjectTableTest {
  private static final String H = "apiVersion: xclusterlink.io/v1alpha1\n";

  @Test
  void eachNetworkKindHasItsColumns() {
    List<XclObject> objs =
        ObjectCodec.readYaml(
            H
                + "kind: GatewayExIp\nmetadata: {name: b.b-g1, labels: {xclusterlink.io/peer: b,"
                + " xclusterlink.io/learned: 'true'}}\nspec: {externalIps: [192.168.100.21],"
                + " vpc: vpc-b, tunnelIp: 100.64.0.21}\n---\n"
                + H
                + "kind: Vpc\nmetadata: {name: vpc-a}\nspec: {cidrs: [10.10.1.0/24],"
                + " globalNetCIDR: 242.0.1.0/24}\n---\n"
                + H
                + "kind: VpcNatTunnel\nmetadata: {name: to-b}\nspec: {localVpc: vpc-a,"
                + " remoteCluster: b, remoteVpc: vpc-b, interfaceAddr: 100.64.0.0/24}\n");

    String gw = ObjectTable.of(Kind.GATEWAY_EX_IP, List.of(objs.get(0))).render();
    String vpc = ObjectTable.of(Kind.VPC, List.of(objs.get(1))).render();
    String tunnel = ObjectTable.of(Kind.VPC_NAT_TUNNEL, List.of(objs.get(2))).render();

    assertThat(gw).contains("EXTERNAL").contains("192.168.100.21").contains("100.64.0.21");
    assertThat(gw.lines().skip(1).findFirst().orElseThrow()).endsWith("b");
    assertThat(vpc).contains("10.10.1.0/24").contains("242.0.1.0/24");
    assertThat(tunnel)
        .contains("READY")
        .contains("b/vpc-b")
        .contains("vxlan")
        .contains("4096")
        .contains("Unknown");
  }
}
