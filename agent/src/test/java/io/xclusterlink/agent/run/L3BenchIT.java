package io.xclusterlink.agent.run;

import static io.xclusterlink.agent.run.L3Log.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The benchmark of {@code bench/l3/run.sh} (runs only with {@code -Dxcl.l3.bench.out=DIR}): the
 * product — one {@code xcl agent run} process per node of the bed — against the kernel-only
 * baseline of l3-kernel.md — the same state typed as {@code ip} commands and a shell controller of
 * pings and forked {@code ip nexthop replace} ({@code bench/l3/kernel-baseline.sh}) — on the same
 * bed, in the same run. Writes {@code DIR/figures.md} (the table) and {@code DIR/details.md} (per
 * crash). Every load is bounded in time; every wait has a deadline.
 *
 * <p>Properties: {@code xcl.l3.bench.jar} (cli/target/xcl.jar), {@code .crashes} (5), {@code
 * .iperfSeconds} (5), {@code .iperfReps} (3).
 */
class L3BenchIT {
  private static final Path BASELINE =
      Path.of("..", "bench", "l3", "kernel-baseline.sh").toAbsolutePath().normalize();
  private static final long LOAD_MS = 10_000;
  private static final int UDP_FLOWS = 30;
  private static final int TCP_FLOWS = 12;
  private static final Pattern BASELINE_LINE =
      Pattern.compile("BASELINE (\\S+) (UP|DOWN) replaced 4 groups in (\\d+) us");

  /** What one implementation did over the crashes of one run. */
  static final class Figures {
    final List<Long> lossWindows = new ArrayList<>();
    final List<Double> replaceMs = new ArrayList<>();
    final List<Double> perAgentMs = new ArrayList<>();
    int hinted;
    int deciders;
    final List<Double> iperfGbps = new ArrayList<>();
    int survivingFlows;
    int survivingGaps;
    int survivingMoved;
    int survivingLost;
    long survivingWorstGap;
    long noiseWorstGap;
    int victimFlows;
    int tcpKilled;
    int spurious;
    long coldStartMs = -1;
    long agentStartMs = -1;
    long agentStartMaxMs = -1;
    long aloneStartMs = -1;
    long aloneStartMaxMs = -1;
    double agentsCpuMsPerS = -1;
  }

  private final List<String> details = new ArrayList<>();
  private Path out;
  private Path jar;
  private int crashes;

  @Test
  void productAgainstTheKernelOnlyBaseline() throws Exception {
    String dir = System.getProperty("xcl.l3.bench.out");
    assumeTrue(dir != null, "a benchmark: runs from bench/l3/run.sh (-Dxcl.l3.bench.out=DIR)");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates namespaces");
    out = Path.of(dir);
    Files.createDirectories(out);
    jar = Path.of(System.getProperty("xcl.l3.bench.jar", "../cli/target/xcl.jar")).toAbsolutePath();
    assertThat(jar).as("the xcl jar (build it with ./xcl version)").exists();
    crashes = Integer.getInteger("xcl.l3.bench.crashes", 5);
    Figures product = new Figures();
    Figures baseline = new Figures();
    Figures overlap = new Figures();
    try {
      product(product);
      alone(product);
      baseline(baseline);
      overlap(overlap);
      throughput(product, baseline);
    } finally {
      Bed.down();
      Files.writeString(out.resolve("details.md"), String.join("\n", details) + "\n");
    }
    Files.writeString(out.resolve("figures.md"), table(product, baseline, overlap));
  }

  // --- the three parts

  private void product(Figures f) throws Exception {
    Bed bed = Bed.up(false);
    try (EchoServer a = EchoServer.start(bed.workload("a", 0).path("ns").asText());
        EchoServer b = EchoServer.start(bed.workload("b", 0).path("ns").asText())) {
      long t0 = System.nanoTime();
      try (AgentProcesses agents = AgentProcesses.start(bed, jar, out.resolve("logs-product"))) {
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(10))
            .until(agents::allReconciled);
        long reconciled = ms(t0);
        List<Long> each = new ArrayList<>(agents.startupMillis().values());
        each.sort(null);
        f.agentStartMs = each.get(each.size() / 2);
        f.agentStartMaxMs = each.get(each.size() - 1);
        awaitEchoBothWays(bed);
        f.coldStartMs = ms(t0);
        note(
            "product cold start: 8 agent processes reconciled %d ms, echo both ways %d ms after"
                + " the first was started",
            reconciled, f.coldStartMs);
        awaitHoldOver(System.nanoTime());
        for (int i = 0; i < crashes; i++) {
          JsonNode victim = bed.gateway("a", i % 3);
          String name = victim.path("name").asText();
          Map<String, Integer> before = agents.decisionCounts();
          crash(bed, victim, f, "product");
          List<AgentProcesses.Decision> downs = new ArrayList<>();
          for (String ns : deciders(bed)) {
            for (AgentProcesses.Decision d : agents.decisionsSince(ns, before)) {
              if (d.gateway().equals(name) && d.health().equals("DOWN")) {
                downs.add(d);
              }
            }
          }
          List<Double> applied = downs.stream().map(AgentProcesses.Decision::appliedMs).toList();
          for (Map.Entry<String, Integer> e : before.entrySet()) {
            if (e.getKey().equals(victim.path("ns").asText())) {
              continue; // the crashed gateway's own agent sees every remote gateway go silent
            }
            for (AgentProcesses.Decision d : agents.decisionsSince(e.getKey(), before)) {
              // a DOWN of a gateway that did not crash (an UP here is the previous victim's own
              // agent taking the remote gateways back after its revival: not spurious)
              if (!d.gateway().equals(name) && d.health().equals("DOWN")) {
                f.spurious++;
                note("  spurious: %s judged %s %s", e.getKey(), d.gateway(), d.health());
              }
            }
          }
          assertThat(applied).as("the 4 agents choosing among A's gateways decided").hasSize(4);
          // one clock for the host (CLOCK_MONOTONIC): the first decision anywhere to the last
          // group replaced anywhere
          long first =
              downs.stream().mapToLong(AgentProcesses.Decision::decidedAtNanos).min().orElseThrow();
          long last =
              downs.stream().mapToLong(AgentProcesses.Decision::appliedAtNanos).max().orElseThrow();
          f.replaceMs.add((last - first) / 1e6);
          f.perAgentMs.addAll(applied);
          f.deciders += downs.size();
          f.hinted += (int) downs.stream().filter(AgentProcesses.Decision::hinted).count();
          note(
              "  product decision -> applied per agent (router, 3 remote gateways): %s ms; on a"
                  + " hint: %s; first decision -> last replaced %.3f ms",
              applied,
              downs.stream().map(d -> d.hinted() ? "yes" : "no").toList(),
              (last - first) / 1e6);
          Map<String, Integer> beforeRevival = agents.decisionCounts();
          revive(victim);
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(50))
              .until(
                  () ->
                      deciders(bed).stream()
                          .allMatch(
                              ns ->
                                  agents.decisionsSince(ns, beforeRevival).stream()
                                      .anyMatch(
                                          d ->
                                              d.gateway().equals(name)
                                                  && d.health().equals("UP"))));
        }
      }
    } finally {
      Bed.down();
    }
  }

  /**
   * Each agent's start with the host's cores to itself: started one after another on a fresh bed,
   * each once the one before has reconciled — what each node of a deployment, with its own cores,
   * sees from its process start to its kernel programmed.
   */
  private void alone(Figures f) throws Exception {
    Bed bed = Bed.up(false);
    try (AgentProcesses agents = AgentProcesses.start(bed, jar, out.resolve("logs-alone"), true)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(10))
          .until(agents::allReconciled);
      List<Long> each = new ArrayList<>(agents.startupMillis().values());
      each.sort(null);
      f.aloneStartMs = each.get(each.size() / 2);
      f.aloneStartMaxMs = each.get(each.size() - 1);
      note("one agent at a time: process start -> kernel programmed %s ms", each);
    } finally {
      Bed.down();
    }
  }

  private void baseline(Figures f) throws Exception {
    Bed bed = Bed.up(false);
    Process controller = null;
    Path controllerLog = out.resolve("logs-baseline").resolve("controller.log");
    Files.createDirectories(controllerLog.getParent());
    try (EchoServer a = EchoServer.start(bed.workload("a", 0).path("ns").asText());
        EchoServer b = EchoServer.start(bed.workload("b", 0).path("ns").asText())) {
      long t0 = System.nanoTime();
      Bed.run("bash", BASELINE.toString(), "program");
      long programmed = ms(t0);
      awaitEchoBothWays(bed);
      f.coldStartMs = ms(t0);
      note(
          "baseline cold start: the shell loop of ip commands took %d ms, echo both ways %d ms",
          programmed, f.coldStartMs);
      controller =
          new ProcessBuilder("bash", BASELINE.toString(), "watch")
              .redirectErrorStream(true)
              .redirectOutput(controllerLog.toFile())
              .start();
      controller.getOutputStream().close();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(controllerLog).contains("BASELINE watching"));
      long watching = System.nanoTime();
      awaitHoldOver(watching);
      for (int i = 0; i < crashes; i++) {
        JsonNode victim = bed.gateway("a", i % 3);
        String name = victim.path("name").asText();
        int before = baselineLines(controllerLog).size();
        crash(bed, victim, f, "baseline");
        List<String[]> lines = baselineLines(controllerLog);
        List<String[]> mine = lines.subList(before, lines.size());
        for (String[] l : mine) {
          if (l[0].equals(name) && l[1].equals("DOWN")) {
            f.replaceMs.add(Long.parseLong(l[2]) / 1000.0);
          } else if (l[1].equals("DOWN")) {
            f.spurious++;
          }
        }
        note("  baseline controller: %s", mine.stream().map(l -> String.join(" ", l)).toList());
        int after = baselineLines(controllerLog).size(); // before: pings answer once links are up
        revive(victim);
        Bed.run("bash", BASELINE.toString(), "restore", name);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () ->
                    baselineLines(controllerLog).stream()
                        .skip(after)
                        .anyMatch(l -> l[0].equals(name) && l[1].equals("UP")));
      }
    } finally {
      if (controller != null) {
        controller.destroy();
        if (!controller.waitFor(5, TimeUnit.SECONDS)) {
          controller.destroyForcibly();
        }
      }
      Bed.down();
    }
  }

  private void overlap(Figures f) throws Exception {
    Bed bed = Bed.up(true);
    try (EchoServer b = EchoServer.start(bed.workload("b", 0).path("ns").asText())) {
      long t0 = System.nanoTime();
      try (AgentProcesses agents = AgentProcesses.start(bed, jar, out.resolve("logs-overlap"))) {
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(10))
            .until(agents::allReconciled);
        awaitHoldOver(System.nanoTime());
        crash(bed, bed.gateway("a", 0), f, "product, overlap");
      }
    } finally {
      Bed.down();
    }
  }

  // --- steps

  /** The agents that choose among A's gateways: A's router and B's gateways. */
  private static List<String> deciders(Bed bed) {
    List<String> out = new ArrayList<>();
    out.add(bed.cluster("a").path("router").path("ns").asText());
    bed.cluster("b").path("gateways").forEach(g -> out.add(g.path("ns").asText()));
    return out;
  }

  /**
   * Sequence-numbered flows from a-w1 to b-w1; once all have been answered for a while, {@code
   * victim}'s links go down (no clean shutdown; its router sees no link event). Adds to {@code f}.
   */
  private void crash(Bed bed, JsonNode victim, Figures f, String what) throws Exception {
    JsonNode client = bed.workload("a", 0);
    JsonNode server = bed.workload("b", 0);
    String name = victim.path("name").asText();
    FlowPaths paths = new FlowPaths(bed, client, server);
    FlowLoad load =
        FlowLoad.start(
            client.path("ns").asText(),
            server.path("seenAs").asText(),
            UDP_FLOWS,
            TCP_FLOWS,
            LOAD_MS);
    List<String> forth = paths.forward(load.flows);
    List<String> back = paths.back(load.flows);
    long lookedUp = load.elapsedMs();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> load.flows.stream().allMatch(fl -> fl.lastEcho() >= lookedUp + 300));
    long crashAt = load.elapsedMs();
    assertThat(crashAt).as("crash before the last 4 s of the load").isLessThan(LOAD_MS - 4000);
    Bed.links(victim.path("ns").asText(), false, "tr0", "ul0");
    load.await();
    List<String> after = paths.forward(load.flows);
    List<Long> windows = new ArrayList<>();
    int victims = 0;
    int killed = 0;
    int gaps = 0;
    int moved = 0;
    int lost = 0;
    long worst = 0;
    long noise = 0; // the longest gap any flow had before the crash: this host's own stalls
    for (FlowLoad.Flow fl : load.flows) {
      noise = Math.max(noise, gap(fl, 0, crashAt));
    }
    for (int i = 0; i < load.flows.size(); i++) {
      FlowLoad.Flow fl = load.flows.get(i);
      boolean dead = fl.lastEcho() < LOAD_MS - 1000;
      if (forth.get(i).equals(name) || back.get(i).equals(name)) {
        victims++;
        killed += fl.tcp && dead ? 1 : 0;
        if (!fl.tcp && !dead) {
          windows.add(fl.maxGap());
        }
      } else {
        f.survivingFlows++;
        gaps += fl.maxGap() > 50 ? 1 : 0;
        moved += after.get(i).equals(forth.get(i)) ? 0 : 1;
        lost += fl.tcp ? 0 : fl.lost(fl.sent - 20);
        worst = Math.max(worst, fl.maxGap());
        killed += fl.tcp && dead ? 1 : 0;
      }
    }
    f.victimFlows += victims;
    f.tcpKilled += killed;
    f.survivingGaps += gaps;
    f.survivingMoved += moved;
    f.survivingLost += lost;
    f.survivingWorstGap = Math.max(f.survivingWorstGap, worst);
    f.noiseWorstGap = Math.max(f.noiseWorstGap, noise);
    f.lossWindows.addAll(windows);
    windows.sort(null);
    note(
        "%s: crash of %s at %d ms, %d of %d flows on it; loss windows of its UDP flows %s ms; TCP"
            + " flows killed %d; surviving flows: %d with a gap > 50 ms (longest %d ms), %d moved,"
            + " %d echoes lost; longest gap of any flow before the crash (the host's own stalls)"
            + " %d ms",
        what,
        name,
        crashAt,
        victims,
        load.flows.size(),
        windows,
        killed,
        gaps,
        worst,
        moved,
        lost,
        noise);
  }

  /** The longest gap between consecutive echoes of {@code fl} that ends in [from, to) ms. */
  private static long gap(FlowLoad.Flow fl, long from, long to) {
    long[] t = java.util.Arrays.stream(fl.echoAt).filter(x -> x >= 0 && x < to).sorted().toArray();
    long g = 0;
    for (int i = 1; i < t.length; i++) {
      if (t[i] >= from) {
        g = Math.max(g, t[i] - t[i - 1]);
      }
    }
    return g;
  }

  private static void revive(JsonNode victim) throws Exception {
    Bed.links(victim.path("ns").asText(), true, "tr0", "ul0");
  }

  /** Waits until a UDP echo goes from a-w1 to b-w1 and from b-w1 to a-w1. */
  private static void awaitEchoBothWays(Bed bed) {
    for (String[] pair : new String[][] {{"a", "b"}, {"b", "a"}}) {
      JsonNode client = bed.workload(pair[0], 0);
      String target = bed.workload(pair[1], 0).path("seenAs").asText();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> echoes(client.path("ns").asText(), target));
    }
  }

  private static boolean echoes(String ns, String target) throws Exception {
    return Namespaces.call(
        ns,
        () -> {
          try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(20);
            byte[] msg = "cold".getBytes(StandardCharsets.US_ASCII);
            s.send(
                new DatagramPacket(msg, msg.length, new InetSocketAddress(target, EchoServer.UDP)));
            try {
              s.receive(new DatagramPacket(new byte[16], 16));
              return true;
            } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
              return false;
            }
          } catch (IOException e) {
            return false; // no route yet
          }
        });
  }

  /** Waits until the agents' first hold time (1 s, no miss counted) is over, plus some rounds. */
  private static void awaitHoldOver(long t0) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> ms(t0) > 2000);
  }

  /**
   * iperf3 through the product's tunnels and through the same state built by hand, paired: both
   * beds up at once (the product's agents on the default bed, the baseline's `ip` commands on a
   * second one), runs alternating, so that what the host does meanwhile falls on both alike.
   */
  private void throughput(Figures product, Figures baseline) throws Exception {
    int reps = Integer.getInteger("xcl.l3.bench.iperfReps", 3);
    int seconds = Integer.getInteger("xcl.l3.bench.iperfSeconds", 5);
    Bed agentsBed = Bed.up(false);
    try (Bed byHand = Bed.up(false, "xcl-l3t-", Bed.DIR.resolveSibling("xcl-l3t"));
        AgentProcesses agents =
            AgentProcesses.start(agentsBed, jar, out.resolve("logs-throughput"))) {
      byHand.runWithin("bash", BASELINE.toString(), "program");
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(50))
          .until(agents::allReconciled);
      long cpu0 = agents.cpuNanos();
      long t0 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        // each pair in the other order: neither side always goes first
        if (r % 2 == 0) {
          product.iperfGbps.add(iperf(agentsBed, seconds));
          baseline.iperfGbps.add(iperf(byHand, seconds));
        } else {
          baseline.iperfGbps.add(iperf(byHand, seconds));
          product.iperfGbps.add(iperf(agentsBed, seconds));
        }
      }
      product.agentsCpuMsPerS = (agents.cpuNanos() - cpu0) / 1e6 / ((System.nanoTime() - t0) / 1e9);
      note(
          "the 8 agents' own CPU while the throughput runs (probing every 50 ms on the data path,"
              + " resync every 1 s): %.0f ms per second",
          product.agentsCpuMsPerS);
      note(
          "iperf3 a-w1 -> b-w1, 1 stream, %d s each, alternating: product %s, baseline %s Gbit/s",
          seconds, product.iperfGbps, baseline.iperfGbps);
    } finally {
      Bed.down();
    }
  }

  /** One iperf3 run of {@code seconds} from a-w1 to b-w1 of {@code bed}, in Gbit/s. */
  private static double iperf(Bed bed, int seconds) throws Exception {
    String serverNs = bed.workload("b", 0).path("ns").asText();
    String target = bed.workload("b", 0).path("seenAs").asText();
    Process server =
        new ProcessBuilder("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1", "-p", "5201")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> Bed.exec(serverNs, "ss", "-Hltn", "sport", "= :5201").contains("5201"));
      String json =
          Bed.run(
              "timeout",
              String.valueOf(seconds + 15),
              "ip",
              "netns",
              "exec",
              bed.workload("a", 0).path("ns").asText(),
              "iperf3",
              "-c",
              target,
              "-p",
              "5201",
              "-t",
              String.valueOf(seconds),
              "-J");
      double bps =
          new ObjectMapper()
              .readTree(json)
              .path("end")
              .path("sum_received")
              .path("bits_per_second")
              .asDouble();
      return bps / 1e9;
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static List<String[]> baselineLines(Path log) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String l : Files.readAllLines(log)) {
      Matcher m = BASELINE_LINE.matcher(l);
      if (m.find()) {
        out.add(new String[] {m.group(1), m.group(2), m.group(3)});
      }
    }
    return out;
  }

  // --- the table

  private static String table(Figures p, Figures b, Figures o) {
    StringBuilder sb = new StringBuilder();
    sb.append("| figure | product | kernel-only baseline | ratio | target |\n");
    sb.append("|---|---|---|---|---|\n");
    long pm = median(p.lossWindows);
    long bm = median(b.lossWindows);
    row(
        sb,
        "loss window of the killed gateway's UDP flows, median (max) over "
            + p.lossWindows.size()
            + " / "
            + b.lossWindows.size()
            + " flows",
        pm + " ms (" + max(p.lossWindows) + " ms)",
        bm + " ms (" + max(b.lossWindows) + " ms)",
        ratio(pm, bm),
        "≤ 300 ms");
    row(
        sb,
        "flows on surviving gateways: gap > 50 ms / moved / UDP echoes lost (of "
            + p.survivingFlows
            + " / "
            + b.survivingFlows
            + " flows)",
        p.survivingGaps + " / " + p.survivingMoved + " / " + p.survivingLost,
        b.survivingGaps + " / " + b.survivingMoved + " / " + b.survivingLost,
        "—",
        "0 / 0");
    row(
        sb,
        "longest gap of a surviving flow after the crash / of any flow before it (the host's own"
            + " stalls)",
        p.survivingWorstGap + " / " + p.noiseWorstGap + " ms",
        b.survivingWorstGap + " / " + b.noiseWorstGap + " ms",
        "—",
        "—");
    row(
        sb,
        "TCP flows killed by the crashes (plain; of " + p.victimFlows + " flows on a victim)",
        String.valueOf(p.tcpKilled),
        String.valueOf(b.tcpKilled),
        "—",
        "0");
    row(
        sb,
        "flows killed by a gateway crash, overlap mode (stateless NAT; "
            + o.victimFlows
            + " flows on the victim)",
        String.valueOf(o.tcpKilled),
        "0 (reference)",
        "—",
        "0");
    double pr = medianD(p.replaceMs);
    double br = medianD(b.replaceMs);
    row(
        sb,
        "decision → group replaced on the router and all 3 remote gateways, median (max)",
        fmt(pr)
            + " ms ("
            + fmt(maxD(p.replaceMs))
            + " ms), first decision anywhere → last replace anywhere; "
            + p.hinted
            + " of "
            + p.deciders
            + " decisions on a hint; per agent median "
            + fmt(medianD(p.perAgentMs))
            + " ms",
        fmt(br) + " ms (" + fmt(maxD(b.replaceMs)) + " ms), 4 forked `ip` in a row",
        fmt(pr / br),
        "≤ 5 ms");
    double pi = medianD(p.iperfGbps);
    double bi = medianD(b.iperfGbps);
    row(
        sb,
        "iperf3 a-w1 → b-w1, 1 stream, median of "
            + p.iperfGbps.size()
            + ", alternating with the baseline",
        fmt(pi) + " Gbit/s",
        fmt(bi) + " Gbit/s (the same state built by hand)",
        fmt(pi / bi),
        "≥ 0.95");
    row(
        sb,
        "cold start: 2 × 3 gateways programmed and passing traffic both ways (8 JVMs starting"
            + " together on this host's cores)",
        p.coldStartMs + " ms from the 8 processes' start",
        b.coldStartMs + " ms (shell loop of `ip`)",
        fmt((double) p.coldStartMs / b.coldStartMs),
        "≤ 2 s");
    row(
        sb,
        "one agent: its process start → its kernel programmed, median (max) of 8, the 8 starting"
            + " together",
        p.agentStartMs + " ms (" + p.agentStartMaxMs + " ms)",
        "—",
        "—",
        "—");
    row(
        sb,
        "one agent: its process start → its kernel programmed, median (max) of 8, started one at a"
            + " time (each node with its own cores, as in a deployment)",
        p.aloneStartMs + " ms (" + p.aloneStartMaxMs + " ms)",
        "—",
        "—",
        "≤ 2 s");
    row(
        sb,
        "the 8 agents' own CPU at work (probes every 50 ms on the data path: each crosses the"
            + " bed's namespaces on this host's cores), while the throughput runs",
        String.format(Locale.ROOT, "%.0f ms per second", p.agentsCpuMsPerS),
        "—",
        "—",
        "—");
    row(
        sb,
        "spurious decisions (a gateway that did not crash judged down)",
        String.valueOf(p.spurious),
        String.valueOf(b.spurious),
        "—",
        "0");
    return sb.toString();
  }

  private static void row(StringBuilder sb, String... cells) {
    sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private void note(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    details.add("- " + line);
    log.info("BENCH {}", line);
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.isEmpty() ? -1 : s.get(s.size() / 2);
  }

  private static long max(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  private static double medianD(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }

  private static double maxD(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static String ratio(long a, long b) {
    return b <= 0 ? "—" : fmt((double) a / b);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, d >= 10 ? "%.0f" : "%.2f", d);
  }
}
