package io.xclusterlink.cli.demo;

import io.xclusterlink.cli.admin.AdminClient;
import io.xclusterlink.cli.admin.AdminException;
import io.xclusterlink.pki.PkiException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xcl demo}: a guided tour on loopback. Three peers, each running a real gateway process and
 * exporting a tiny service; p1 imports the service from all three. Step 1 shows round-robin, step 2
 * a deny policy on p3 that p1's import falls through, step 3 a failover when p2's gateway stops.
 * Exits 0 when every step behaved as expected, 1 otherwise; stops everything and deletes its folder
 * on the way out (also on Ctrl-C) unless {@code --keep}.
 */
@Command(
    name = "demo",
    description =
        "A guided tour on loopback: three peers, round-robin, a deny policy and a failover. "
            + "Sets itself up and cleans up after itself. `xcl demo network`: the L3 path.",
    subcommands = NetworkDemoCommand.class)
public final class DemoCommand implements Callable<Integer> {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(30);
  private static final int CONNECTIONS = 6;
  private static final int LOG_TAIL = 15;

  @Spec CommandSpec spec;

  @Option(names = "--no-wait", description = "Run every step without waiting for Enter in between.")
  boolean noWait;

  @Option(
      names = "--keep",
      description =
          "Keep the demo folder (certificates, YAML files, state, gateway logs) and print its path.")
  boolean keep;

  private PrintWriter out;
  private BufferedReader lines;
  private final List<StepOutcome> outcomes = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoopbackFabric fabric;
    try {
      fabric = LoopbackFabric.create(keep);
    } catch (PkiException | UncheckedIOException e) {
      err.println("xcl demo: cannot set up: " + e.getMessage());
      err.flush();
      return 1;
    }
    // Ctrl-C or SIGTERM: the JVM runs this hook; the gateways must not outlive the demo.
    Thread cleanup =
        new Thread(
            () -> {
              err.println(
                  System.lineSeparator()
                      + "xcl demo: interrupted; stopping the gateways"
                      + (keep
                          ? " (the demo folder is kept: " + fabric.dir() + ")"
                          : " and cleaning up"));
              err.flush();
              fabric.close();
            },
            "xcl-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try (Poller poller = new Poller()) {
      setUp(fabric, poller);
      roundRobin(fabric);
      pause();
      denyPolicy(fabric, poller);
      pause();
      failover(fabric, poller);
      return summary(err);
    } catch (DemoFailure e) {
      say("");
      say("The demo stopped: " + e.getMessage());
      e.details.forEach(line -> say("  | " + line));
      if (!keep) {
        say("Run `xcl demo --keep` to keep the gateways' logs for a closer look.");
      }
      err.println("xcl demo: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      say("");
      say(
          "Cleaning up: stopping the gateways"
              + (keep ? "." : " and deleting " + fabric.dir() + "."));
      fabric.close();
      if (keep) {
        say(
            "The demo folder is kept: "
                + fabric.dir()
                + " (certificates, YAML files, state, pN.log)");
      }
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook has done or is doing the same
      }
    }
  }

  // ---- set-up ---------------------------------------------------------------------------------

  private void setUp(LoopbackFabric fabric, Poller poller) throws InterruptedException {
    Path dir = fabric.dir();
    say(
        "xcl demo: three peers on this host, each with its own gateway, connected over mutual TLS.");
    say("");
    say("Setting up in " + dir + " (what you would type is shown after $):");
    say("  a fabric \"demo\" (one root CA) and a certificate for each of p1, p2, p3");
    command("fabric create --name " + GatewayProcess.FABRIC + " --dir " + dir);
    for (String name : LoopbackFabric.PEERS) {
      command(
          "peer-cert create --fabric "
              + GatewayProcess.FABRIC
              + " --name "
              + name
              + " --dir "
              + dir);
    }
    fabric.startGateways();
    say(
        "  three gateways on 127.0.0.1, one per peer (each runs in the foreground in its own terminal):");
    for (GatewayProcess g : fabric.gateways()) {
      command(String.join(" ", g.xclArguments()));
    }
    awaitAdminApis(fabric, poller);

    say("  on every peer: where all three gateways are (Peer), its service \"hello\" (Export),");
    say(
        "  and a policy that allows everything (AccessPolicy allow-all; without one, all is denied):");
    List<DemoPeer> peers = fabric.peers();
    for (DemoPeer p : peers) {
      Path file = fabric.write(p.name() + ".yaml", DemoObjects.peerObjects(p, peers));
      apply(p, file, DemoObjects.peerObjects(p, peers));
    }
    DemoPeer p1 = fabric.peer("p1");
    say(
        "  on p1: an Import of \"hello\" from p1, p2 and p3, round-robin, on 127.0.0.1:"
            + fabric.importPort()
            + ":");
    String imp = DemoObjects.helloImport(peers, fabric.importPort());
    apply(p1, fabric.write("p1-import.yaml", imp), imp);

    say(
        "  waiting for the peers to answer each other's heartbeats (every "
            + GatewayProcess.HEARTBEAT
            + ")...");
    long started = System.nanoTime();
    AdminClient admin1 = new AdminClient(p1.admin());
    boolean ready =
        poller.until(
            CONVERGE_TIMEOUT,
            () -> {
              GatewayStatus s = new GatewayStatus(admin1.status());
              return s.allReachable(LoopbackFabric.PEERS)
                  && s.importListening(DemoObjects.NAMESPACE, DemoObjects.EXPORT)
                  && everyPeer(
                      fabric,
                      st ->
                          st.policies() >= 1
                              && st.exports(DemoObjects.NAMESPACE, DemoObjects.EXPORT));
            });
    if (!ready) {
      throw new DemoFailure(
          "p1 did not see p1, p2, p3 reachable with its import listening within "
              + CONVERGE_TIMEOUT.toSeconds()
              + " s",
          lastLines(fabric.gateway("p1")));
    }
    say("  all three peers reachable from p1 after " + seconds(started) + "; the import listens.");
    command("--admin " + p1.admin() + " status");
  }

  private void awaitAdminApis(LoopbackFabric fabric, Poller poller) throws InterruptedException {
    long started = System.nanoTime();
    boolean settled =
        poller.until(
            START_TIMEOUT,
            () -> {
              for (GatewayProcess g : fabric.gateways()) {
                if (!g.alive()) {
                  return true; // no use waiting for the others
                }
              }
              return everyPeer(fabric, st -> true);
            });
    for (GatewayProcess g : fabric.gateways()) {
      if (!g.alive()) {
        throw new DemoFailure(
            "the gateway of "
                + g.peer().name()
                + " exited with code "
                + g.exitCode()
                + " while starting",
            lastLines(g));
      }
    }
    if (!settled) {
      throw new DemoFailure(
          "the gateways' admin APIs did not answer within " + START_TIMEOUT.toSeconds() + " s",
          List.of());
    }
    say("  (the gateways answered after " + seconds(started) + ")");
  }

  /** True when every gateway's status answers and passes {@code check}; false on any error. */
  private static boolean everyPeer(LoopbackFabric fabric, Predicate<GatewayStatus> check) {
    for (DemoPeer p : fabric.peers()) {
      try {
        if (!check.test(new GatewayStatus(new AdminClient(p.admin()).status()))) {
          return false;
        }
      } catch (AdminException e) {
        return false;
      }
    }
    return true;
  }

  // ---- the three steps ------------------------------------------------------------------------

  private void roundRobin(LoopbackFabric fabric) {
    say("");
    say("Step 1 of 3: round-robin");
    say(
        "  A client on p1 connects to the import; p1 sends each connection to the next peer in turn.");
    StepOutcome o = connect(fabric, "step 1 (round-robin)", Set.of("p1", "p2", "p3"));
    conclude(
        o, "All three peers answered: round-robin spreads the connections over p1, p2 and p3.");
  }

  private void denyPolicy(LoopbackFabric fabric, Poller poller) throws InterruptedException {
    DemoPeer p3 = fabric.peer("p3");
    say("");
    say("Step 2 of 3: a deny policy");
    say(
        "  p3 now refuses connections from p1 (AccessPolicy deny-p1; on each side a deny beats an allow):");
    String deny = DemoObjects.denyPeer("p1");
    apply(p3, fabric.write("p3-deny-p1.yaml", deny), deny);
    AdminClient admin3 = new AdminClient(p3.admin());
    if (!poller.until(CONVERGE_TIMEOUT, () -> new GatewayStatus(admin3.status()).policies() >= 2)) {
      throw new DemoFailure(
          "p3 did not enforce the new policy within " + CONVERGE_TIMEOUT.toSeconds() + " s",
          lastLines(fabric.gateway("p3")));
    }
    StepOutcome o = connect(fabric, "step 2 (deny policy)", Set.of("p1", "p2"));
    conclude(
        o,
        "Only p1 and p2 answered: when p3 refuses, p1's import falls through to the next source.");
  }

  private void failover(LoopbackFabric fabric, Poller poller) throws InterruptedException {
    GatewayProcess p2 = fabric.gateway("p2");
    DemoPeer p1 = fabric.peer("p1");
    say("");
    say("Step 3 of 3: failover");
    say("  Stopping p2's gateway, as Ctrl-C in its terminal would:");
    say("    $ kill " + p2.pid());
    long started = System.nanoTime();
    if (!p2.stop()) {
      throw new DemoFailure("p2's gateway did not exit", List.of());
    }
    AdminClient admin1 = new AdminClient(p1.admin());
    boolean noticed =
        poller.until(
            CONVERGE_TIMEOUT,
            () -> !new GatewayStatus(admin1.status()).reachable("p2").orElse(true));
    if (!noticed) {
      throw new DemoFailure(
          "p1 still saw p2 as reachable " + CONVERGE_TIMEOUT.toSeconds() + " s after it stopped",
          lastLines(fabric.gateway("p1")));
    }
    say(
        "  p1 marked p2 unreachable "
            + seconds(started)
            + " after it stopped (missed heartbeats, "
            + GatewayProcess.HEARTBEAT
            + " apart):");
    command("--admin " + p1.admin() + " status");
    StepOutcome o = connect(fabric, "step 3 (failover)", Set.of("p1"));
    conclude(o, "Only p1 answered: p2 is gone and p3 refuses p1, so traffic failed over to p1.");
  }

  private StepOutcome connect(LoopbackFabric fabric, String title, Set<String> expected) {
    int port = fabric.importPort();
    say(
        "  "
            + CONNECTIONS
            + " client connections to the import on 127.0.0.1:"
            + port
            + " (try: nc 127.0.0.1 "
            + port
            + "):");
    List<String> answers = new ArrayList<>();
    for (int i = 1; i <= CONNECTIONS; i++) {
      ImportProbe.Answer a = ImportProbe.ask(port);
      answers.add(a.line());
      say("    connection " + i + " -> " + a);
    }
    StepOutcome o = new StepOutcome(title, expected, answers);
    outcomes.add(o);
    return o;
  }

  private void conclude(StepOutcome o, String expectedText) {
    if (o.asExpected()) {
      say("  " + expectedText);
    } else {
      say("  Not as expected: " + o.difference());
    }
  }

  private int summary(PrintWriter err) {
    say("");
    say("Summary");
    List<StepOutcome> failed = new ArrayList<>();
    for (StepOutcome o : outcomes) {
      String got = o.answeredBy().isEmpty() ? "none" : StepOutcome.names(o.answeredBy());
      say(
          String.format(
              Locale.ROOT,
              "  %-22s expected %-12s got %-12s %s",
              o.title(),
              StepOutcome.names(o.expected()),
              got,
              o.asExpected() ? "ok" : "DIFFERENT"));
      if (!o.asExpected()) {
        failed.add(o);
      }
    }
    if (failed.isEmpty()) {
      say("Every step behaved as expected: balancing, policies on both sides and failover.");
      return 0;
    }
    say("Not every step behaved as expected.");
    err.println("xcl demo: " + failed.get(0).difference());
    err.flush();
    return 1;
  }

  // ---- printing and pausing -------------------------------------------------------------------

  private void apply(DemoPeer peer, Path file, String yaml) {
    command("--admin " + peer.admin() + " apply -f " + file);
    try {
      new AdminClient(peer.admin()).apply(yaml);
    } catch (AdminException e) {
      throw new DemoFailure(
          peer.name() + " refused " + file.getFileName() + ": " + e.getMessage(), List.of());
    }
  }

  private void command(String xclArguments) {
    say("    $ xcl " + xclArguments);
  }

  private void pause() {
    if (noWait) {
      return;
    }
    say("");
    out.print("(try the commands above in another terminal) press Enter to continue ");
    out.flush();
    if (lines == null) {
      lines = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
    }
    try {
      if (lines.readLine() == null) {
        say(""); // stdin closed: go on without waiting
      }
    } catch (IOException e) {
      say("");
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private static String seconds(long startedNanos) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
  }

  private static List<String> lastLines(GatewayProcess g) {
    List<String> out = new ArrayList<>();
    out.add("last lines of " + g.log() + ":");
    out.addAll(g.logTail(LOG_TAIL));
    return out;
  }

  /** The tour cannot go on (a gateway did not start, an object was refused, a wait timed out). */
  private static final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> details;

    DemoFailure(String message, List<String> details) {
      super(message);
      this.details = List.copyOf(details);
    }
  }
}
