package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.Ipv4Prefix;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.LocalGateway;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Overlap;
import io.xclusterlink.agent.plan.Plan;
import io.xclusterlink.agent.plan.RemoteGateway;
import io.xclusterlink.agent.plan.Tunnel;
import io.xclusterlink.agent.plan.VxlanConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Benchmark part of {@code bench/l3/run.sh} (runs only with {@code -Dxcl.l3.bench.out=DIR}): a
 * gateway of a tunnel with 100 remote gateways and 1 000 remote prefixes, programmed from nothing
 * in a throw-away namespace by the planner and the rtnetlink adapter — plan, dump, diff, apply —
 * and read back. Appends its figure to {@code DIR/figures.md}.
 */
class ScaleBenchIT {
  static final int REMOTE_GATEWAYS = 100;
  static final int REMOTE_PREFIXES = 1000;

  @Test
  void programsOneHundredRemoteGatewaysAndOneThousandPrefixes() throws Exception {
    String out = System.getProperty("xcl.l3.bench.out");
    assumeTrue(out != null, "a benchmark: runs from bench/l3/run.sh (-Dxcl.l3.bench.out=DIR)");
    assumeTrue(NetworkNamespace.root(), "needs root: creates network namespaces");
    int reps = Integer.getInteger("xcl.l3.bench.scaleReps", 3);
    List<Long> micros = new ArrayList<>();
    int objects = 0;
    for (int r = 0; r < reps; r++) {
      try (NetworkNamespace ns = NetworkNamespace.create()) {
        RtnetlinkClientIT.transit(ns);
        ns.ip("link", "add", "u0", "type", "veth", "peer", "name", "u1");
        ns.ip("addr", "add", "192.168.0.11/16", "dev", "u0");
        ns.ip("link", "set", "u0", "up");
        ns.ip("link", "set", "u1", "up");
        Tunnel tunnel = tunnel();
        long[] took = new long[1];
        List<KernelObject> observed =
            ns.inside(
                () -> {
                  long t0 = System.nanoTime();
                  List<KernelObject> desired = Plan.desired(new Node.Gateway("g1"), tunnel);
                  try (RtnetlinkClient client = RtnetlinkClient.open()) {
                    List<Change> changes = Plan.diff(desired, client.observe(desired));
                    client.apply(changes);
                    took[0] = System.nanoTime() - t0;
                    return client.observe(desired);
                  }
                });
        List<KernelObject> desired = Plan.desired(new Node.Gateway("g1"), tunnel);
        assertThat(new HashSet<>(observed)).isEqualTo(new HashSet<>(desired));
        assertThat( // a route over a group is printed with one indented line per member
                ns.ip("route", "show", "proto", "120")
                    .lines()
                    .filter(l -> !l.isBlank())
                    .filter(l -> !Character.isWhitespace(l.charAt(0)))
                    .count())
            .as("routes: every remote prefix and the way back into the VPC")
            .isEqualTo(REMOTE_PREFIXES + 1);
        objects = desired.size();
        micros.add(took[0] / 1000);
      }
    }
    micros.sort(null);
    String line =
        String.format(
            Locale.ROOT,
            "| %d remote gateways and %d remote prefixes programmed (plan, dump, diff, apply; %d"
                + " kernel objects, %d runs) | median %.0f ms (max %.0f ms) | — | — | ≤ 1 s |%n",
            REMOTE_GATEWAYS,
            REMOTE_PREFIXES,
            objects,
            reps,
            micros.get(micros.size() / 2) / 1000.0,
            micros.get(micros.size() - 1) / 1000.0);
    Path dir = Path.of(out);
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("scale.md"),
        line,
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Gateway g1 of 3 local ones; 100 remote gateways; 1 000 remote /24s in 10.128.0.0/14. */
  static Tunnel tunnel() {
    List<LocalGateway> local = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      local.add(
          new LocalGateway(
              "g" + i,
              Ipv4.parse("10.255.0." + (10 + i)),
              Ipv4.parse("192.168.0." + (10 + i)),
              Ipv4.parse("100.64.0." + (10 + i)),
              Health.UP));
    }
    List<RemoteGateway> remote = new ArrayList<>();
    for (int i = 0; i < REMOTE_GATEWAYS; i++) {
      remote.add(
          new RemoteGateway(
              String.format(Locale.ROOT, "r%03d", i),
              Ipv4.parse("192.168.1." + (10 + i)),
              Ipv4.parse("100.64.1." + (10 + i)),
              Health.UP));
    }
    List<Ipv4Prefix> prefixes = new ArrayList<>();
    for (int i = 0; i < REMOTE_PREFIXES; i++) {
      prefixes.add(Ipv4Prefix.parse("10." + (128 + i / 256) + "." + (i % 256) + ".0/24"));
    }
    return new Tunnel(
        new VxlanConfig(42, 4789, "u0", Ipv4Prefix.parse("100.64.0.0/16"), 1450),
        "t0",
        Ipv4.parse("10.255.0.1"),
        List.of(Ipv4Prefix.parse("10.10.0.0/16")),
        prefixes,
        local,
        remote,
        new Overlap.None());
  }
}
