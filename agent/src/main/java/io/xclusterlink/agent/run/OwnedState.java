package io.xclusterlink.agent.run;

import io.xclusterlink.agent.netlink.RtnetlinkClient;
import io.xclusterlink.agent.nft.NftClient;
import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the kernel state the agent owns on this node (its VXLAN device, FDB and neighbour
 * entries, nexthops, group, routes, NAT table) — what a deleted tunnel leaves behind, since a node
 * serves one tunnel (ADR 0007). Objects of others are never read as ours (see {@link
 * KernelObject}), and sysctls are left as they are: other software may rely on them.
 */
public final class OwnedState {
  private OwnedState() {}

  /**
   * Deletes every owned object in the calling thread's network namespace; returns the changes made.
   */
  public static List<Change> removeAll() {
    try (RtnetlinkClient rtnl = RtnetlinkClient.open()) {
      List<KernelObject> observed = new ArrayList<>(rtnl.observe(List.of()));
      observed.addAll(NftClient.observe(List.of()));
      List<Change> changes = Plan.diff(List.of(), observed);
      KernelWriter.apply(rtnl, changes);
      return changes;
    }
  }
}
