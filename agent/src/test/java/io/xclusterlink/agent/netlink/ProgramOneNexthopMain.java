package io.xclusterlink.agent.netlink;

import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.KernelObject.Nexthop;
import java.util.List;

/**
 * A child process for {@link WithoutNetAdminIT}: tries to add one nexthop and prints the outcome.
 */
public final class ProgramOneNexthopMain {
  private ProgramOneNexthopMain() {}

  public static void main(String[] args) {
    try (RtnetlinkClient client = RtnetlinkClient.open()) {
      System.out.println("observed " + client.observe(List.of()).size() + " objects");
      client.apply(List.of(new Change.Add(new Nexthop(21, Ipv4.parse("127.0.0.2"), "lo"))));
      System.out.println("added");
    } catch (NetlinkException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }
}
