package io.xclusterlink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xcl demo network} (root): the L3 network path on this host. Builds the two-cluster bed of
 * {@code e2e/l3/bed.sh} (network namespaces), starts one {@code xcl agent run} per router and
 * gateway, sends UDP flows from a workload of VPC A to one of VPC B and shows which gateway each
 * takes, crashes the busiest gateway (its links go down, its agent is not told), prints how long
 * its flows stalled and that the others did not, brings it back, and removes everything — also on
 * Ctrl-C or a failure. Exits 0 when every step behaved as expected, 1 otherwise.
 */
@Command(
    name = "network",
    description =
        "The L3 network path on this host (root): two VPCs joined through 3 gateways each, a"
            + " gateway crash and its failover. Builds and removes its own network namespaces.")
public final class NetworkDemoCommand implements Callable<Integer> {
  private static final int FLOWS = 12;
  private static final long FLOW_LIMIT_MS = 120_000;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SETTLE = Duration.ofMillis(2000);
  private static final Duration AFTER_CRASH = Duration.ofSeconds(3);
  private static final Duration REVIVE_TIMEOUT = Duration.ofSeconds(20);

  @Spec CommandSpec spec;

  @Option(names = "--no-wait", description = "Run every step without waiting for Enter in between.")
  boolean noWait;

  @Option(names = "--keep", description = "Keep the agents' logs and print their folder.")
  boolean keep;

  @Option(
      names = "--bed",
      paramLabel = "FILE",
      description = "The bed script (default: e2e/l3/bed.sh of the checkout xcl runs from).")
  Path bedScript;

  private PrintWriter out;
  private final List<String> failures = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String refusal = refusal();
    if (refusal != null) {
      err.println("xcl demo network: " + refusal);
      err.flush();
      return 1;
    }
    Path logs = Files.createTempDirectory("xcl-demo-network-");
    NetworkBed bed =
        new NetworkBed(
            bedScript != null ? bedScript : NetworkBed.defaultScript(), logs.resolve("bed"));
    NetworkAgents agents = new NetworkAgents();
    Thread cleanup =
        new Thread(
            () -> {
              err.println(System.lineSeparator() + "xcl demo network: interrupted; cleaning up");
              err.flush();
              cleanUp(bed, agents, logs, false);
            },
            "xcl-demo-network-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try (Poller poller = new Poller()) {
      setUp(bed, agents, logs, poller);
      try (UdpFlows flows = flows(bed)) {
        Map<Integer, String> before = spread(bed, flows);
        pause();
        String victim = crash(bed, flows, before, poller);
        pause();
        revive(bed, agents, flows, before, victim, poller);
      }
      return summary(err);
    } catch (DemoFailure e) {
      say("");
      say("The demo stopped: " + e.getMessage());
      e.details.forEach(line -> say("  | " + line));
      err.println("xcl demo network: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      say("");
      say("Cleaning up: stopping the agents and removing the bed's namespaces.");
      cleanUp(bed, agents, logs, keep);
      if (keep) {
        say("The agents' logs are kept in " + logs);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook has done or is doing the same
      }
    }
  }

  /** Why the demo cannot run here, or null. */
  private String refusal() throws IOException, InterruptedException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root (it creates network namespaces and programs their kernels); run it with"
          + " sudo";
    }
    Path script = bedScript != null ? bedScript : NetworkBed.defaultScript();
    if (!Files.isRegularFile(script)) {
      return "no bed script at "
          + script
          + " (expected: e2e/l3/bed.sh of the checkout; --bed FILE)";
    }
    List<String> taken = NetworkBed.namespaces();
    if (!taken.isEmpty()) {
      return "the L3 bed's namespaces are in use ("
          + taken.size()
          + " xcl-l3-* namespaces, e.g. "
          + taken.get(0)
          + "): a test or another demo is running; when it is not, remove them with "
          + script
          + " down";
    }
    return null;
  }

  // ---- steps ----------------------------------------------------------------------------------

  private void setUp(NetworkBed bed, NetworkAgents agents, Path logs, Poller poller)
      throws Exception {
    say(
        "xcl demo network: VPC A and VPC B, in two \"clusters\" of network namespaces on this host,");
    say("joined at L3 through 3 gateways each (VXLAN between gateways, resilient nexthop groups).");
    say("");
    say("Building the test bed (what you would type is shown after $):");
    say("    $ sudo " + bed.script() + " up");
    long t0 = System.nanoTime();
    bed.up();
    JsonNode a = bed.cluster("a");
    JsonNode b = bed.cluster("b");
    say(
        "  namespaces up in "
            + seconds(t0)
            + ": per VPC a router, 3 gateways, 2 workloads (A "
            + a.path("localPrefix").asText()
            + ", B "
            + b.path("localPrefix").asText()
            + "); only infrastructure so far.");
    say("  One agent per router and gateway programs the rest (each in its own terminal):");
    long t1 = System.nanoTime();
    for (String cmd : agents.start(bed, logs)) {
      say("    $ sudo " + cmd);
    }
    boolean up = poller.until(START_TIMEOUT, agents::allReconciled);
    if (!up) {
      throw new DemoFailure(
          "the agents did not program their kernels within " + START_TIMEOUT.toSeconds() + " s",
          agents.tail(a.path("router").path("ns").asText(), 10));
    }
    say("  all 8 agents programmed their kernels " + seconds(t1) + " after they were started.");
    // each agent counts no missed probe during the first hold time (1 s) after its reconcile: let
    // it pass from the last reconcile, or a crash right away is judged a second late
    long reconciled = System.nanoTime();
    poller.until(SETTLE.plusSeconds(5), () -> System.nanoTime() - reconciled > SETTLE.toNanos());
  }

  private UdpFlows flows(NetworkBed bed) throws InterruptedException {
    JsonNode client = bed.workload("a", 0);
    JsonNode server = bed.workload("b", 0);
    return UdpFlows.start(
        client.path("ns").asText(),
        server.path("ns").asText(),
        server.path("seenAs").asText(),
        FLOWS,
        FLOW_LIMIT_MS);
  }

  /** Step 1: which gateway each flow takes. */
  private Map<Integer, String> spread(NetworkBed bed, UdpFlows flows) throws Exception {
    JsonNode client = bed.workload("a", 0);
    JsonNode server = bed.workload("b", 0);
    say("");
    say("Step 1 of 3: flows spread over the gateways");
    say(
        "  "
            + FLOWS
            + " UDP flows from "
            + client.path("name").asText()
            + " ("
            + client.path("address").asText()
            + ") to "
            + server.path("name").asText()
            + " ("
            + server.path("seenAs").asText()
            + ":"
            + UdpFlows.PORT
            + "), one message every "
            + UdpFlows.PERIOD_MS
            + " ms each, echoed back.");
    Map<Integer, String> via = routes(bed, flows);
    Map<String, Integer> perGateway = new TreeMap<>();
    for (Map.Entry<Integer, String> e : via.entrySet()) {
      say(
          String.format(
              Locale.ROOT,
              "    flow %2d (source port %d) -> via %s",
              e.getKey() + 1,
              flows.sourcePort(e.getKey()),
              e.getValue()));
      perGateway.merge(e.getValue(), 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder("  spread:");
    perGateway.forEach((g, n) -> sb.append(' ').append(g).append(" ").append(n).append(','));
    sb.setLength(sb.length() - 1);
    say(sb + " (A's router hashes each flow onto its resilient group's 128 buckets).");
    return via;
  }

  /** Step 2: the busiest gateway's links go down; who stalled and for how long. */
  private String crash(NetworkBed bed, UdpFlows flows, Map<Integer, String> before, Poller poller)
      throws Exception {
    Map<String, Integer> load = new TreeMap<>();
    before.values().forEach(g -> load.merge(g, 1, Integer::sum));
    String victim =
        load.entrySet().stream()
            .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry::getKey))
            .orElseThrow()
            .getKey();
    String ns = bed.gateway(victim).path("ns").asText();
    say("");
    say("Step 2 of 3: " + victim + " crashes");
    say("  Its links go down; its agent is not told, and A's router sees no link event:");
    say("    $ sudo ip -n " + ns + " link set tr0 down; sudo ip -n " + ns + " link set ul0 down");
    long crashAt = flows.nowMs();
    NetworkBed.links(ns, false, "tr0", "ul0");
    long until = crashAt + AFTER_CRASH.toMillis();
    poller.until(AFTER_CRASH.plusSeconds(5), () -> flows.nowMs() > until);
    Map<Integer, String> after = routes(bed, flows);
    List<Long> stalls = new ArrayList<>();
    long othersWorst = 0;
    int moved = 0;
    int resumed = 0;
    int onVictim = 0;
    for (int i = 0; i < flows.size(); i++) {
      long gap = flows.longestGap(i, crashAt, until);
      boolean back = flows.lastEcho(i) > until - 500;
      if (before.get(i).equals(victim)) {
        onVictim++;
        resumed += back ? 1 : 0;
        stalls.add(gap);
        say(
            String.format(
                Locale.ROOT,
                "    flow %2d (was via %s): stalled %d ms, %s",
                i + 1,
                victim,
                gap,
                back ? "resumed via " + after.get(i) : "NOT resumed"));
      } else {
        othersWorst = Math.max(othersWorst, gap);
        moved += after.get(i).equals(before.get(i)) ? 0 : 1;
        if (!back) {
          failures.add("flow " + (i + 1) + " via " + before.get(i) + " stopped after the crash");
        }
      }
    }
    stalls.sort(null);
    say(
        String.format(
            Locale.ROOT,
            "  the %d flows of %s stalled %d-%d ms (median %d ms); %d of %d resumed through the"
                + " other gateways.",
            onVictim,
            victim,
            stalls.get(0),
            stalls.get(stalls.size() - 1),
            stalls.get(stalls.size() / 2),
            resumed,
            onVictim));
    say(
        String.format(
            Locale.ROOT,
            "  the other %d flows did not stall: longest gap between echoes %d ms; %d moved.",
            flows.size() - onVictim,
            othersWorst,
            moved));
    if (resumed != onVictim) {
      failures.add((onVictim - resumed) + " flow(s) of " + victim + " did not resume");
    }
    if (moved != 0) {
      failures.add(moved + " flow(s) of the surviving gateways moved");
    }
    return victim;
  }

  /** Step 3: the victim's links come back; every agent takes it back, no active flow moves. */
  private void revive(
      NetworkBed bed,
      NetworkAgents agents,
      UdpFlows flows,
      Map<Integer, String> before,
      String victim,
      Poller poller)
      throws Exception {
    String ns = bed.gateway(victim).path("ns").asText();
    Map<Integer, String> now = routes(bed, flows);
    say("");
    say("Step 3 of 3: " + victim + " comes back");
    say("    $ sudo ip -n " + ns + " link set tr0 up; sudo ip -n " + ns + " link set ul0 up");
    Pattern up = Pattern.compile("gateway " + Pattern.quote(victim) + " UP ");
    List<String> deciders = new ArrayList<>();
    deciders.add(bed.cluster("a").path("router").path("ns").asText());
    bed.cluster("b").path("gateways").forEach(g -> deciders.add(g.path("ns").asText()));
    long t0 = System.nanoTime();
    NetworkBed.links(ns, true, "tr0", "ul0");
    boolean back =
        poller.until(
            REVIVE_TIMEOUT, () -> deciders.stream().allMatch(d -> agents.count(d, up) > 0));
    if (!back) {
      throw new DemoFailure(
          victim
              + " was not taken back by A's router and B's gateways within "
              + REVIVE_TIMEOUT.toSeconds()
              + " s",
          agents.tail(deciders.get(0), 10));
    }
    say(
        "  A's router and B's 3 gateways took "
            + victim
            + " back "
            + seconds(t0)
            + " after its links came up (it must answer every probe for 1 s first).");
    Map<Integer, String> later = routes(bed, flows);
    int movedBack = 0;
    for (int i = 0; i < flows.size(); i++) {
      movedBack += later.get(i).equals(now.get(i)) ? 0 : 1;
    }
    say(
        "  active flows moved by its return: "
            + movedBack
            + " (a re-added gateway takes only buckets idle for 5 s; new flows will use it).");
    if (movedBack != 0) {
      failures.add(movedBack + " active flow(s) moved when " + victim + " came back");
    }
  }

  private Map<Integer, String> routes(NetworkBed bed, UdpFlows flows) throws Exception {
    int[] ports = new int[flows.size()];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = flows.sourcePort(i);
    }
    List<String> via =
        bed.gatewaysOf(
            bed.workload("a", 0).path("address").asText(),
            bed.workload("b", 0).path("seenAs").asText(),
            UdpFlows.PORT,
            ports);
    Map<Integer, String> out = new TreeMap<>();
    for (int i = 0; i < via.size(); i++) {
      out.put(i, via.get(i));
    }
    return out;
  }

  private int summary(PrintWriter err) {
    say("");
    say("Summary");
    if (failures.isEmpty()) {
      say(
          "Every step behaved as expected: flows spread over the gateways, only the crashed"
              + " gateway's flows stalled, and its return moved no active flow.");
      return 0;
    }
    failures.forEach(f -> say("  not as expected: " + f));
    say("Not every step behaved as expected.");
    err.println("xcl demo network: " + String.join("; ", failures));
    err.flush();
    return 1;
  }

  private void cleanUp(NetworkBed bed, NetworkAgents agents, Path logs, boolean keepLogs) {
    agents.close();
    try {
      bed.down();
    } catch (IOException e) {
      out.println("  could not remove the bed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!keepLogs) {
      try (Stream<Path> files = Files.walk(logs)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary folder: nothing else to do
      }
    }
  }

  private void pause() {
    if (noWait) {
      return;
    }
    say("");
    say("Press Enter for the next step...");
    try {
      int c;
      do {
        c = System.in.read();
      } while (c != '\n' && c != -1);
    } catch (IOException e) {
      // no terminal: go on
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private static String seconds(long startedNanos) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
  }

  /** A step that could not go on; {@code details} are log lines that explain it. */
  private static final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> details;

    DemoFailure(String message, List<String> details) {
      super(message);
      this.details = List.copyOf(details);
    }
  }
}
