package io.xclusterlink.agent.run;

import static io.xclusterlink.agent.run.L3Log.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.agent.config.AgentConfigReader;
import io.xclusterlink.agent.plan.Health;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The L3 path end to end on the namespace bed of {@code e2e/l3/bed.sh}: one {@link Agent} per
 * router and gateway (a thread inside each node's namespace), workloads' traffic from threads
 * inside the workloads' namespaces. Needs root. Timings go to the log; assertions are about what
 * must hold (connectivity, spread, which flows move, no kernel change on restart).
 *
 * <p>{@code -Dxcl.l3.crashes=N} repeats the crash and revival N times (default 1) for the
 * loss-window figure of docs/network-path.md.
 */
class L3PathIT {
  private static final Pattern VIA = Pattern.compile(" via (\\S+) ");

  private static final long CRASH_LOAD_MS = 9000; // ~90 forked route lookups take 1-3 s first

  private Bed bed;
  private final List<Long> downApplied = new ArrayList<>();
  private final List<Long> upApplied = new ArrayList<>();
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<Void>> runs = new LinkedHashMap<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void needsRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates namespaces");
    assumeTrue(Files.isExecutable(Bed.SCRIPT), "needs " + Bed.SCRIPT);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      for (AutoCloseable c : toClose) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("closing {}: {}", c, e.toString());
        }
      }
      agents.values().forEach(Agent::close);
    } finally {
      Bed.down();
      assertThat(Bed.run("ip", "netns", "list")).doesNotContain("xcl-l3-");
    }
  }

  @Test
  void plainVpcsConnectSpreadFailOverReviveAndRestartWithoutKernelChanges() throws Exception {
    bed = Bed.up(false);
    startAgents();
    awaitSettled();
    connects("a", "b");
    connects("b", "a");
    spreadsSixtyTcpFlowsOverAllGateways();
    int crashes = Integer.getInteger("xcl.l3.crashes", 1);
    List<Long> lossWindows = new ArrayList<>();
    for (int i = 0; i < crashes; i++) {
      lossWindows.addAll(crashOfOneGatewayMovesOnlyItsFlows(i));
      revivalMovesNoActiveFlow();
    }
    lossWindows.sort(null);
    log.info(
        "FIGURE loss window of the killed gateway's UDP flows over {} crash(es), {} flows: median {}"
            + " ms, max {} ms",
        crashes,
        lossWindows.size(),
        lossWindows.get(lossWindows.size() / 2),
        lossWindows.get(lossWindows.size() - 1));
    log.info(
        "FIGURE detection -> applied (µs) per agent, gateway down: median {} max {}; up: median {}"
            + " max {}",
        median(downApplied),
        max(downApplied),
        median(upApplied),
        max(upApplied));
    restartChangesNothing();
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.isEmpty() ? -1 : s.get(s.size() / 2);
  }

  private static long max(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  @Test
  void overlappingVpcsConnectThroughStatelessTranslation() throws Exception {
    bed = Bed.up(true);
    startAgents();
    awaitSettled();
    connects("a", "b");
    connects("b", "a");
    String nat = Bed.exec(bed.gateway("a", 0).path("ns").asText(), "nft", "list", "ruleset");
    assertThat(nat).contains("table ip xcl_nat_42").contains("comment \"xcl:");
  }

  // --- steps

  private void startAgents() throws Exception {
    for (JsonNode n : bed.nodes()) {
      startAgent(n);
    }
    for (Map.Entry<String, Agent> a : agents.entrySet()) {
      assertThat(a.getValue().awaitStarted(20, TimeUnit.SECONDS)).as(a.getKey()).isTrue();
      if (runs.get(a.getKey()).isCompletedExceptionally()) {
        runs.get(a.getKey()).join();
      }
    }
  }

  private Agent startAgent(JsonNode node) {
    String ns = node.path("ns").asText();
    Agent agent = new Agent(AgentConfigReader.read(Path.of(node.path("config").asText())));
    agents.put(ns, agent);
    runs.put(ns, Namespaces.start(ns, "agent-" + ns.substring("xcl-l3-".length()), agent::run));
    return agent;
  }

  private void awaitSettled() {
    long t0 = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              runs.forEach(
                  (ns, r) ->
                      assertThat(r.isCompletedExceptionally()).as("agent %s failed", ns).isFalse());
              assertThat(agents.values().stream().allMatch(Agent::settled))
                  .as("agents settled: %s", settledness())
                  .isTrue();
            });
    log.info("agents settled in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  private String settledness() {
    StringBuilder sb = new StringBuilder();
    agents.forEach(
        (ns, a) ->
            sb.append(ns).append(a.settled() ? " settled " : " ").append(a.health()).append("; "));
    return sb.toString();
  }

  /** ICMP, TCP and UDP from cluster {@code from}'s first workload to {@code to}'s. */
  private void connects(String from, String to) throws Exception {
    JsonNode client = bed.workload(from, 0);
    JsonNode server = bed.workload(to, 0);
    String target = server.path("seenAs").asText();
    String clientNs = client.path("ns").asText();
    long t0 = System.nanoTime();
    String ping = Bed.exec(clientNs, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-w", "5", target);
    assertThat(ping).contains(" 0% packet loss");
    try (EchoServer echo = EchoServer.start(server.path("ns").asText())) {
      String tcp =
          Namespaces.call(
              clientNs,
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress(target, EchoServer.TCP), 3000);
                  s.setSoTimeout(3000);
                  s.getOutputStream().write("hello over tcp".getBytes(StandardCharsets.US_ASCII));
                  return new String(s.getInputStream().readNBytes(14), StandardCharsets.US_ASCII);
                }
              });
      assertThat(tcp).isEqualTo("hello over tcp");
      String udp =
          Namespaces.call(
              clientNs,
              () -> {
                try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
                  s.setSoTimeout(1000);
                  byte[] msg = "hello over udp".getBytes(StandardCharsets.US_ASCII);
                  for (int attempt = 0; attempt < 3; attempt++) {
                    s.send(
                        new java.net.DatagramPacket(
                            msg, msg.length, new InetSocketAddress(target, EchoServer.UDP)));
                    java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[64], 64);
                    try {
                      s.receive(in);
                      return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
                    } catch (java.net.SocketTimeoutException e) {
                      // try again
                    }
                  }
                  return "no answer";
                }
              });
      assertThat(udp).isEqualTo("hello over udp");
      assertThat(echo.peers)
          .as("the server sees the client by the address its cluster is seen by")
          .containsExactly(client.path("seenAs").asText());
    }
    log.info(
        "{} -> {} ({}): ICMP, TCP and UDP connect ({} ms)",
        client.path("name").asText(),
        server.path("name").asText(),
        target,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private void spreadsSixtyTcpFlowsOverAllGateways() throws Exception {
    JsonNode server = bed.workload("b", 0);
    Map<String, Long> before = vxlanTxPackets("a");
    Map<String, Integer> byRoute = new TreeMap<>();
    try (EchoServer echo = EchoServer.start(server.path("ns").asText())) {
      List<FlowLoad> loads = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        loads.add(
            FlowLoad.start(
                bed.workload("a", w).path("ns").asText(),
                server.path("seenAs").asText(),
                0,
                30,
                600));
      }
      for (int w = 0; w < 2; w++) {
        for (FlowLoad.Flow f : loads.get(w).flows) {
          byRoute.merge(gatewayOf(bed.workload("a", w), server, f), 1, Integer::sum);
        }
      }
      for (FlowLoad l : loads) {
        l.await();
      }
    }
    Map<String, Long> after = vxlanTxPackets("a");
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((g, n) -> delta.put(g, n - before.get(g)));
    log.info(
        "FIGURE spread of 60 TCP flows A->B: by the router's choice {}; VXLAN tx packets per A"
            + " gateway {}",
        byRoute,
        delta);
    assertThat(delta.values()).as("every gateway carries flows").allMatch(n -> n > 0);
    assertThat(byRoute).hasSize(3);
  }

  /** Returns the loss windows (ms) of the killed gateway's UDP flows. */
  private List<Long> crashOfOneGatewayMovesOnlyItsFlows(int round) throws Exception {
    JsonNode client = bed.workload("a", 0);
    JsonNode server = bed.workload("b", 0);
    JsonNode victim = bed.gateway("a", round % 3);
    String victimName = victim.path("name").asText();
    Map<String, Integer> changesBefore = healthChangeCounts();
    List<Long> windows = new ArrayList<>();
    try (EchoServer echo = EchoServer.start(server.path("ns").asText())) {
      FlowLoad load =
          FlowLoad.start(
              client.path("ns").asText(), server.path("seenAs").asText(), 30, 12, CRASH_LOAD_MS);
      Map<FlowLoad.Flow, String> before = new LinkedHashMap<>();
      Map<FlowLoad.Flow, String> back = new LinkedHashMap<>();
      int asymmetric = 0;
      // one ip -batch per node, not a fork per flow: a loaded host took > 6 s for 84 forks
      FlowPaths paths = new FlowPaths(bed, client, server);
      List<String> forth = paths.forward(load.flows);
      List<String> backs = paths.back(load.flows);
      for (int i = 0; i < load.flows.size(); i++) {
        FlowLoad.Flow f = load.flows.get(i);
        before.put(f, forth.get(i));
        back.put(f, backs.get(i));
        asymmetric += before.get(f).equals(back.get(f)) ? 0 : 1;
      }
      // the route lookups above take a while on a loaded host: crash once every flow has been
      // answered for a while after them, so each has a stretch of echoes before the crash
      long lookedUpAt = load.elapsedMs();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> load.flows.stream().allMatch(f -> f.lastEcho() >= lookedUpAt + 300));
      long crashAt = load.elapsedMs();
      assertThat(crashAt)
          .as("crash before the last 3 s of the load")
          .isLessThan(CRASH_LOAD_MS - 3000);
      // abrupt: the links go, the agent is not told; the router sees no link event (bridge)
      Bed.links(victim.path("ns").asText(), false, "tr0", "ul0");
      load.await();
      Map<FlowLoad.Flow, String> after = new LinkedHashMap<>();
      List<String> afterPaths = paths.forward(load.flows);
      for (int i = 0; i < load.flows.size(); i++) {
        after.put(load.flows.get(i), afterPaths.get(i));
      }
      int victims = 0;
      long worstOtherGap = 0;
      int otherLost = 0;
      List<Long> tcpGaps = new ArrayList<>();
      for (FlowLoad.Flow f : load.flows) {
        String was = before.get(f);
        boolean onVictim = was.equals(victimName) || back.get(f).equals(victimName);
        assertThat(f.lastEcho())
            .as("flow from port %d (%s) resumed", f.sourcePort, was)
            .isGreaterThan(CRASH_LOAD_MS - 1000);
        if (onVictim) {
          victims++;
          assertThat(after.get(f)).as("a flow of the dead gateway moved").isNotEqualTo(victimName);
          if (f.tcp) {
            tcpGaps.add(f.maxGap());
          } else {
            windows.add(f.maxGap());
          }
        } else {
          assertThat(after.get(f)).as("a flow of a surviving gateway stays").isEqualTo(was);
          worstOtherGap = Math.max(worstOtherGap, f.maxGap());
          if (!f.tcp) {
            otherLost += f.lost(f.sent - 20);
          }
        }
      }
      assertThat(victims).as("flows on the crashed gateway").isPositive();
      assertThat(otherLost).as("UDP echoes lost on surviving gateways").isZero();
      windows.sort(null);
      tcpGaps.sort(null);
      log.info(
          "FIGURE crash {} of {} at {} ms: {} of {} flows on it ({} of all flows with another"
              + " gateway back than forth, trap 8); loss window of its UDP flows {}"
              + " ms, longest gap of its TCP flows {} ms; surviving flows: 0 lost, longest gap {}"
              + " ms, 0 moved",
          round + 1,
          victimName,
          crashAt,
          victims,
          load.flows.size(),
          asymmetric,
          windows,
          tcpGaps,
          worstOtherGap);
    }
    logHealthChanges(changesBefore, victimName, downApplied);
    return windows;
  }

  private void revivalMovesNoActiveFlow() throws Exception {
    JsonNode client = bed.workload("a", 0);
    JsonNode server = bed.workload("b", 0);
    JsonNode victim =
        bed.nodes().stream()
            .filter(n -> agents.get(n.path("ns").asText()).health().isEmpty() == false)
            .filter(
                n ->
                    agents
                            .get(bed.cluster("a").path("router").path("ns").asText())
                            .health()
                            .get(n.path("name").asText())
                        == Health.DOWN)
            .findFirst()
            .orElseThrow();
    String ns = victim.path("ns").asText();
    Map<String, Integer> changesBefore = healthChangeCounts();
    try (EchoServer echo = EchoServer.start(server.path("ns").asText())) {
      FlowLoad load =
          FlowLoad.start(client.path("ns").asText(), server.path("seenAs").asText(), 30, 0, 4000);
      Map<FlowLoad.Flow, String> before = new LinkedHashMap<>();
      for (FlowLoad.Flow f : load.flows) {
        before.put(f, gatewayOf(client, server, f));
      }
      long t0 = System.nanoTime();
      Bed.links(ns, true, "tr0", "ul0");
      awaitSettled();
      log.info(
          "{} revived: every agent has it back {} ms after its links came up",
          victim.path("name").asText(),
          (System.nanoTime() - t0) / 1_000_000);
      load.await();
      int moved = 0;
      for (FlowLoad.Flow f : load.flows) {
        moved += gatewayOf(client, server, f).equals(before.get(f)) ? 0 : 1;
      }
      assertThat(moved).as("active flows moved by the revival").isZero();
    }
    logHealthChanges(changesBefore, victim.path("name").asText(), upApplied);
  }

  private void restartChangesNothing() throws Exception {
    List<JsonNode> restarted =
        List.of(bed.cluster("a").path("router"), bed.gateway("a", 0), bed.gateway("b", 1));
    Map<String, String> before = new TreeMap<>();
    for (JsonNode n : restarted) {
      before.put(n.path("ns").asText(), kernelState(n.path("ns").asText()));
    }
    // the agents that keep running, and how many decisions each had made
    Map<String, Integer> changesBefore = new TreeMap<>();
    agents.forEach((ns, a) -> changesBefore.put(ns, a.healthChanges().size()));
    restarted.forEach(n -> changesBefore.remove(n.path("ns").asText()));
    // b-g1 probes a-g1, a-g2 probes b-g2: each hears its restarted gateway say so
    String bG1 = bed.gateway("b", 0).path("ns").asText();
    String aG2 = bed.gateway("a", 1).path("ns").asText();
    int heardByBG1 = agents.get(bG1).restartsHeard();
    int heardByAG2 = agents.get(aG2).restartsHeard();
    for (JsonNode n : restarted) {
      agents.remove(n.path("ns").asText()).close();
    }
    for (JsonNode n : restarted) {
      Agent a = startAgent(n);
      assertThat(a.awaitStarted(20, TimeUnit.SECONDS)).isTrue();
      assertThat(a.changesAtStart()).as("changes on restart of %s", n.path("ns").asText()).isZero();
    }
    awaitSettled();
    for (JsonNode n : restarted) {
      assertThat(kernelState(n.path("ns").asText()))
          .as("kernel state of %s after a restart", n.path("ns").asText())
          .isEqualTo(before.get(n.path("ns").asText()));
    }
    assertThat(agents.get(bG1).restartsHeard()).as("b-g1 heard a-g1").isGreaterThan(heardByBG1);
    assertThat(agents.get(aG2).restartsHeard()).as("a-g2 heard b-g2").isGreaterThan(heardByAG2);
    // the restarted gateways said so: the nodes probing them did not move their flows
    List<String> restartedGateways =
        restarted.stream().map(n -> n.path("name").asText()).filter(n -> !n.isEmpty()).toList();
    agents.forEach(
        (ns, a) -> {
          if (changesBefore.containsKey(ns)) { // not a restarted one: a new agent, a new list
            List<Agent.HealthChange> since =
                a.healthChanges().subList(changesBefore.get(ns), a.healthChanges().size());
            assertThat(since)
                .as("decisions of %s during the restarts", ns)
                .noneMatch(c -> restartedGateways.contains(c.gateway()));
          }
        });
    log.info("restart of {} agents: 0 kernel changes", restarted.size());
  }

  // --- observation (forks ip: tests may)

  /** The gateway the cluster's router sends {@code f} to (its resilient group's bucket choice). */
  private String gatewayOf(JsonNode client, JsonNode server, FlowLoad.Flow f) throws Exception {
    String cluster = client.path("name").asText().substring(0, 1);
    String out =
        Bed.ip(
            bed.cluster(cluster).path("router").path("ns").asText(),
            "route",
            "get",
            server.path("seenAs").asText(),
            "from",
            client.path("address").asText(),
            "iif",
            "wl0",
            "ipproto",
            f.tcp ? "tcp" : "udp",
            "sport",
            Integer.toString(f.sourcePort),
            "dport",
            Integer.toString(f.tcp ? EchoServer.TCP : EchoServer.UDP));
    Matcher m = VIA.matcher(out);
    assertThat(m.find()).as("route get: %s", out).isTrue();
    for (JsonNode g : bed.cluster(cluster).path("gateways")) {
      if (g.path("transit").asText().equals(m.group(1))) {
        return g.path("name").asText();
      }
    }
    throw new AssertionError("route get: " + out + " (expected: via a gateway)");
  }

  private Map<String, Long> vxlanTxPackets(String cluster) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    for (JsonNode g : bed.cluster(cluster).path("gateways")) {
      String json = Bed.ip(g.path("ns").asText(), "-j", "-s", "link", "show", "xclvx42");
      out.put(
          g.path("name").asText(),
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(json)
              .get(0)
              .path("stats64")
              .path("tx")
              .path("packets")
              .asLong());
    }
    return out;
  }

  /** What the agent owns in {@code ns}, as ip and bridge print it (no counters, no timers). */
  private static String kernelState(String ns) throws Exception {
    StringBuilder sb = new StringBuilder();
    sb.append(Bed.ip(ns, "nexthop", "show"));
    sb.append(Bed.ip(ns, "route", "show", "proto", "120"));
    sb.append(Bed.ip(ns, "route", "show"));
    String links = Bed.ip(ns, "-d", "link", "show");
    if (links.contains("xclvx42")) {
      sb.append(Bed.ip(ns, "-d", "link", "show", "xclvx42"));
      sb.append(Bed.ip(ns, "addr", "show", "dev", "xclvx42"));
      sb.append(Bed.exec(ns, "bridge", "fdb", "show", "dev", "xclvx42"));
      sb.append(Bed.ip(ns, "neigh", "show", "dev", "xclvx42"));
    }
    sb.append(
        Bed.exec(
            ns,
            "sysctl",
            "net.ipv4.ip_forward",
            "net.ipv4.fib_multipath_hash_policy",
            "net.ipv4.fib_multipath_hash_fields",
            "net.ipv4.fib_multipath_hash_seed"));
    return sb.toString();
  }

  /** Logs the health changes of {@code gateway} after the first {@code skip} of each agent's. */
  private void logHealthChanges(Map<String, Integer> skip, String gateway, List<Long> applied) {
    List<String> lines = new ArrayList<>();
    agents.forEach(
        (ns, a) -> {
          List<Agent.HealthChange> all = a.healthChanges();
          for (Agent.HealthChange c : all.subList(skip.getOrDefault(ns, 0), all.size())) {
            if (!c.gateway().equals(gateway)) {
              continue;
            }
            applied.add(c.appliedMicros());
            lines.add(
                String.format(
                    Locale.ROOT,
                    "%s: %s after %d ms, detection -> applied %.2f ms (%d change)",
                    ns.substring("xcl-l3-".length()),
                    c.health(),
                    c.evidenceMillis(),
                    c.appliedMicros() / 1000.0,
                    c.changes().size()));
          }
        });
    log.info("{} as the agents judged it: {}", gateway, lines);
  }

  private Map<String, Integer> healthChangeCounts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    agents.forEach((ns, a) -> out.put(ns, a.healthChanges().size()));
    return out;
  }
}
