package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetlinkExceptionTest {

  @Test
  void namesTheObjectTheReasonTheErrnoAndTheKernelsExplanation() {
    NetlinkException e =
        NetlinkException.of(
            "add nexthop 21 via 100.64.0.21 dev xclvx42", 101, "Nexthop has invalid gateway");
    assertThat(e)
        .hasMessage(
            "add nexthop 21 via 100.64.0.21 dev xclvx42: Network is unreachable (errno 101) [kernel: Nexthop has invalid gateway]");
    assertThat(e.errno()).isEqualTo(101);
  }

  @Test
  void permissionDeniedNamesTheCapabilityItNeeds() {
    assertThat(NetlinkException.of("replace route 10.20.0.0/16 nhid 5", 1, null))
        .hasMessage(
            "replace route 10.20.0.0/16 nhid 5: needs CAP_NET_ADMIN to program routes (run as root or grant the capability)");
  }
}
