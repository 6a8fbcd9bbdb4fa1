package io.xclusterlink.agent.run;

import io.xclusterlink.agent.netlink.RtnetlinkClient;
import io.xclusterlink.agent.nft.NftClient;
import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.KernelObject;
import java.util.List;

/**
 * Sends each run of consecutive changes to its adapter, in the planner's order: NAT tables to
 * {@link NftClient}, everything else to {@link RtnetlinkClient}.
 */
final class KernelWriter {
  private KernelWriter() {}

  static void apply(RtnetlinkClient rtnl, List<Change> changes) {
    int i = 0;
    while (i < changes.size()) {
      boolean nat = isNat(changes.get(i));
      int j = i + 1;
      while (j < changes.size() && isNat(changes.get(j)) == nat) {
        j++;
      }
      if (nat) {
        NftClient.apply(changes.subList(i, j));
      } else {
        rtnl.apply(changes.subList(i, j));
      }
      i = j;
    }
  }

  private static boolean isNat(Change c) {
    return c.object().kind() == KernelObject.Kind.NAT_TABLE;
  }
}
