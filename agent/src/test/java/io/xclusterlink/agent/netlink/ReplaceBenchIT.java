package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Plan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A benchmark (run by bench/l3/run.sh, {@code -Dxcl.l3.bench.out=DIR}): what one failover decision
 * costs in the kernel, from "gateway g2 is dead" to the kernel's ack of the group replace —
 *
 * <ul>
 *   <li>one node alone: one resilient group replaced through the adapter (a prepared failover is
 *       exactly this one message);
 *   <li>four nodes at once on one kernel, as on the bed (the router and the three remote gateways
 *       decide in the same instant): four namespaces, one thread each, released together; the
 *       figure is the first start to the last ack. The kernel replaces a group under the RTNL lock,
 *       which is global, and waits for an RCU grace period before it lets go, so on one kernel the
 *       four queue behind each other; on four hosts they would not;
 *   <li>the reference's way: a forked {@code ip nexthop replace}.
 * </ul>
 *
 * Each replace is checked: the group read back has the members it was given. Appends its lines to
 * {@code DIR/replace.md}.
 */
class ReplaceBenchIT {
  private static final int WARMUP = 100;
  private static final int ROUNDS = 400;
  private static final int FORKED_ROUNDS = 30;
  private static final int NODES = 4;

  @Test
  void measuresAGroupReplaceAloneFourAtOnceAndForked() throws Exception {
    String out = System.getProperty("xcl.l3.bench.out");
    assumeTrue(out != null, "a benchmark: runs from bench/l3/run.sh (-Dxcl.l3.bench.out=DIR)");
    assumeTrue(NetworkNamespace.root(), "needs root: creates network namespaces");
    List<KernelObject> up = Plan.desired(new Node.VpcRouter(), RtnetlinkClientIT.tunnel(Health.UP));
    List<KernelObject> down =
        Plan.desired(
            new Node.VpcRouter(),
            RtnetlinkClientIT.withHealth(RtnetlinkClientIT.tunnel(Health.UP), "g2", Health.DOWN));
    ResilientGroup all = RtnetlinkClientIT.only(up, ResilientGroup.class);
    ResilientGroup without = RtnetlinkClientIT.only(down, ResilientGroup.class);

    List<NetworkNamespace> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < NODES; i++) {
        NetworkNamespace ns = NetworkNamespace.create();
        nodes.add(ns);
        RtnetlinkClientIT.transit(ns);
      }
      long[] alone = nodes.get(0).inside(() -> alone(up, all, without));
      assertThat(members(nodes.get(0), all.id())).isEqualTo(members(all));

      // four nodes, each its own namespace and thread, released together round after round
      CyclicBarrier start = new CyclicBarrier(NODES);
      long[][] begun = new long[NODES][ROUNDS];
      long[][] acked = new long[NODES][ROUNDS];
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (int n = 0; n < NODES; n++) {
        int node = n;
        NetworkNamespace ns = nodes.get(n);
        runs.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    ns.inside(
                        () -> {
                          together(up, all, without, start, begun[node], acked[node]);
                          return null;
                        });
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      long[] spans = new long[ROUNDS];
      long[] each = new long[NODES * ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int n = 0; n < NODES; n++) {
          first = Math.min(first, begun[n][r]);
          last = Math.max(last, acked[n][r]);
          each[n * ROUNDS + r] = acked[n][r] - begun[n][r];
        }
        spans[r] = last - first;
      }
      for (NetworkNamespace ns : nodes) {
        assertThat(members(ns, all.id())).isEqualTo(members(all));
      }

      long[] forked = forked(nodes.get(0), all, without);
      assertThat(members(nodes.get(0), all.id())).isEqualTo(members(all));

      String lines =
          String.format(
              Locale.ROOT,
              "- group replace, decision to the kernel's ack (ReplaceBenchIT, %d rounds after %d of"
                  + " warm-up; one resilient group of 128 buckets, one member in or out):%n"
                  + "  - one node alone, through the adapter: median %.3f ms, p99 %.3f ms%n"
                  + "  - %d nodes at once on this one kernel (%d namespaces, one thread each,"
                  + " released together): each node's replace median %.3f ms, p99 %.3f ms;"
                  + " first start to last ack median %.3f ms, p99 %.3f ms%n"
                  + "  - a forked `ip nexthop replace` (the reference's controller; %d rounds):"
                  + " median %.3f ms, p99 %.3f ms%n",
              ROUNDS,
              WARMUP,
              ms(median(alone)),
              ms(p99(alone)),
              NODES,
              NODES,
              ms(median(each)),
              ms(p99(each)),
              ms(median(spans)),
              ms(p99(spans)),
              FORKED_ROUNDS,
              ms(median(forked)),
              ms(p99(forked)));
      System.out.print(lines);
      Path dir = Path.of(out);
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("replace.md"),
          lines,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } finally {
      for (NetworkNamespace ns : nodes) {
        ns.close();
      }
    }
  }

  /** On a thread in the namespace: the plan, then the group replaced in and out, timed. */
  private static long[] alone(List<KernelObject> up, ResilientGroup all, ResilientGroup without) {
    try (RtnetlinkClient client = RtnetlinkClient.open()) {
      client.apply(Plan.diff(up, client.observe(up)));
      long[] took = new long[ROUNDS];
      for (int r = -WARMUP; r < ROUNDS; r++) {
        List<Change> replace = List.of(replace(r, all, without));
        long t0 = System.nanoTime();
        client.apply(replace);
        long t1 = System.nanoTime();
        if (r >= 0) {
          took[r] = t1 - t0;
        }
      }
      return took;
    }
  }

  private static void together(
      List<KernelObject> up,
      ResilientGroup all,
      ResilientGroup without,
      CyclicBarrier start,
      long[] begun,
      long[] acked)
      throws Exception {
    try (RtnetlinkClient client = RtnetlinkClient.open()) {
      client.apply(Plan.diff(up, client.observe(up)));
      for (int r = -WARMUP; r < ROUNDS; r++) {
        List<Change> replace = List.of(replace(r, all, without));
        start.await(30, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        client.apply(replace);
        long t1 = System.nanoTime();
        if (r >= 0) {
          begun[r] = t0;
          acked[r] = t1;
        }
      }
    }
  }

  /** Round r takes g2 out when r is even and puts it back when odd: it ends with every member. */
  private static Change replace(int r, ResilientGroup all, ResilientGroup without) {
    return (r & 1) == 0 ? new Change.Replace(all, without) : new Change.Replace(without, all);
  }

  private static long[] forked(NetworkNamespace ns, ResilientGroup all, ResilientGroup without)
      throws Exception {
    long[] forked = new long[FORKED_ROUNDS];
    for (int r = 0; r < FORKED_ROUNDS; r++) {
      ResilientGroup g = (r & 1) == 0 ? without : all;
      long t0 = System.nanoTime();
      ns.ip(
          "nexthop",
          "replace",
          "id",
          Integer.toUnsignedString(g.id()),
          "group",
          members(g),
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
    return forked;
  }

  private static String members(ResilientGroup g) {
    return g.members().stream().map(Integer::toUnsignedString).collect(Collectors.joining("/"));
  }

  /** The group's members as the kernel has them, in `ip`'s "a/b/c" form. */
  private static String members(NetworkNamespace ns, int group) throws Exception {
    List<String> ids = new ArrayList<>();
    RtnetlinkClientIT.nexthop(ns, group)
        .path("group")
        .forEach(m -> ids.add(Integer.toUnsignedString(m.path("id").asInt())));
    return String.join("/", ids);
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
