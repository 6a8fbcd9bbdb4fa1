package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Plan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Time from "gateway g2 is dead" to the kernel's ack of the group replace: through the adapter, and
 * through a forked {@code ip nexthop replace} (the baseline in l3-kernel.md, ≈ 10 ms each).
 */
class GroupReplaceLatencyIT {
  private static final int WARMUP = 100;
  private static final int ROUNDS = 400;
  private static final int FORKED_ROUNDS = 30;

  @Test
  void replacingAGroupThroughNetlinkTakesFarLessThanForkingIp() throws Exception {
    assumeTrue(NetworkNamespace.root(), "needs root: creates network namespaces");
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      RtnetlinkClientIT.transit(ns);
      List<KernelObject> up =
          Plan.desired(new Node.VpcRouter(), RtnetlinkClientIT.tunnel(Health.UP));
      List<KernelObject> down =
          Plan.desired(
              new Node.VpcRouter(),
              RtnetlinkClientIT.withHealth(RtnetlinkClientIT.tunnel(Health.UP), "g2", Health.DOWN));
      ResilientGroup all = RtnetlinkClientIT.only(up, ResilientGroup.class);
      ResilientGroup without = RtnetlinkClientIT.only(down, ResilientGroup.class);
      // four groups over the same nexthops stand for the router and three remote gateways
      List<ResilientGroup> fourAll = new ArrayList<>();
      List<ResilientGroup> fourWithout = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        fourAll.add(new ResilientGroup(all.id() + i, all.members(), 128, 5, 0));
        fourWithout.add(new ResilientGroup(all.id() + i, without.members(), 128, 5, 0));
      }

      long[][] measured =
          ns.inside(
              () -> {
                try (RtnetlinkClient client = RtnetlinkClient.open()) {
                  client.apply(Plan.diff(up, client.observe(up)));
                  client.apply(fourAll.stream().<Change>map(Change.Add::new).toList());
                  long[] one = new long[ROUNDS];
                  long[] four = new long[ROUNDS];
                  for (int r = -WARMUP; r < ROUNDS; r++) {
                    boolean remove = (r & 1) == 0;
                    List<Change> replace =
                        List.of(
                            remove
                                ? new Change.Replace(all, without)
                                : new Change.Replace(without, all));
                    long t0 = System.nanoTime();
                    client.apply(replace);
                    long t1 = System.nanoTime();
                    List<Change> batch = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                      batch.add(
                          remove
                              ? new Change.Replace(fourAll.get(i), fourWithout.get(i))
                              : new Change.Replace(fourWithout.get(i), fourAll.get(i)));
                    }
                    long t2 = System.nanoTime();
                    client.apply(batch);
                    long t3 = System.nanoTime();
                    if (r >= 0) {
                      one[r] = t1 - t0;
                      four[r] = t3 - t2;
                    }
                  }
                  return new long[][] {one, four};
                }
              });

      long[] forked = new long[FORKED_ROUNDS];
      for (int r = 0; r < FORKED_ROUNDS; r++) {
        ResilientGroup g = (r & 1) == 0 ? without : all;
        String members =
            g.members().stream().map(Integer::toUnsignedString).collect(Collectors.joining("/"));
        long t0 = System.nanoTime();
        ns.ip(
            "nexthop",
            "replace",
            "id",
            Integer.toUnsignedString(g.id()),
            "group",
            members,
            "type",
            "resilient",
            "buckets",
            "128",
            "idle_timer",
            "5",
            "unbalanced_timer",
            "0");
        forked[r] = System.nanoTime() - t0;
      }

      String report =
          String.format(
              "group replace, decision to kernel ack: netlink one group median %.3f ms p99 %.3f ms; "
                  + "netlink 4 groups in one batch (router + 3 remote gateways' worth) median %.3f ms p99 %.3f ms; "
                  + "forked `ip nexthop replace` median %.3f ms p99 %.3f ms (%d/%d/%d rounds)",
              ms(median(measured[0])),
              ms(p99(measured[0])),
              ms(median(measured[1])),
              ms(p99(measured[1])),
              ms(median(forked)),
              ms(p99(forked)),
              ROUNDS,
              ROUNDS,
              FORKED_ROUNDS);
      System.out.println(report);
      assertThat(median(measured[0])).isLessThan(median(forked));
      assertThat(median(measured[1])).as(report).isLessThan(5_000_000L);
    }
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static long p99(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
