package io.xclusterlink.agent.run;

import io.xclusterlink.agent.config.AgentConfig;
import io.xclusterlink.agent.netlink.RtnetlinkClient;
import io.xclusterlink.agent.netlink.ThreadPriority;
import io.xclusterlink.agent.nft.NftClient;
import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.HashSeed;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.LocalGateway;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Plan;
import io.xclusterlink.agent.plan.Tunnel;
import io.xclusterlink.agent.probe.EchoResponder;
import io.xclusterlink.agent.probe.HealthTracker;
import io.xclusterlink.agent.probe.Prober;
import io.xclusterlink.agent.probe.RoundClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The agent of one node (a VPC router or a gateway): brings the kernel to the plan, then probes the
 * gateways the node chooses among and, when one changes health, applies the difference of the new
 * plan from the one last applied — the planner makes that one group replace — without reading the
 * kernel and without forking. Every {@code resync} it reads the kernel back and repairs what others
 * removed (a link that went down takes its routes with it). Kernel state stays when the agent
 * stops: traffic keeps flowing, and a restart with everything in place changes nothing.
 *
 * <p>{@link #run} runs on the calling thread, which must be in the node's network namespace (the
 * netlink socket, the sysctls and the probe sockets belong to it); the other methods are
 * thread-safe.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /**
   * One health change and its cost: {@code evidenceMillis} of silence since the gateway's last
   * answer when it is declared down, of unbroken answers when up; {@code appliedMicros} from that
   * decision to the kernel's ack of the changes (detection → applied); {@code decidedAt} the
   * decision's {@link System#nanoTime} (CLOCK_MONOTONIC on Linux, so comparable across the agents
   * of one host); {@code hinted} when another node's hint decided it.
   */
  public record HealthChange(
      String gateway,
      Health health,
      long evidenceMillis,
      long appliedMicros,
      long decidedAt,
      boolean hinted,
      List<Change> changes) {}

  /**
   * How long the nodes probing a gateway hold off judging it after its agent stops in order: a JVM
   * restart takes 1–2 s alone, several on a loaded host. A node that dies in that time is judged
   * down that much later.
   */
  public static final java.time.Duration RESTART_HOLD = java.time.Duration.ofSeconds(5);

  private final AgentConfig config;
  private final String name;
  private final List<HealthChange> healthChanges = new CopyOnWriteArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean leaving;
  private volatile boolean running;
  private volatile Map<String, Health> health = Map.of();
  private volatile boolean settled;
  private volatile int restartsHeard;
  private volatile int changesAtStart = -1;
  private String lastResyncFailure;
  // owned by the thread in run()
  private List<KernelObject> applied = List.of();
  private Map<Map<String, Health>, Failover> failovers = Map.of();
  private Map<String, Health> prepareFor;
  private final List<Runnable> later = new ArrayList<>();
  private ThreadPriority priority;
  private boolean notRaisedSaid;

  /** Does no I/O. */
  public Agent(AgentConfig config) {
    this.config = config;
    this.name = config.nodeName();
  }

  /**
   * Reconciles, starts answering probes (a gateway) and probing, and runs until {@link #close}.
   *
   * @throws io.xclusterlink.agent.netlink.NetlinkException if the first reconcile is refused
   * @throws IOException if a probe socket cannot be bound
   */
  public void run() throws IOException {
    running = true;
    MDC.put("node", name);
    Node node = config.node();
    Tunnel tunnel = config.tunnel();
    EchoResponder responder = null;
    priority = ThreadPriority.ofThisThread();
    try (RtnetlinkClient rtnl = RtnetlinkClient.open()) {
      applied = Plan.desired(node, tunnel);
      List<KernelObject> observed = new ArrayList<>(rtnl.observe(applied));
      observed.addAll(NftClient.observe(applied));
      List<Change> first = Plan.diff(applied, observed);
      long t0 = System.nanoTime();
      KernelWriter.apply(rtnl, first);
      changesAtStart = first.size();
      log.info(
          "agent {}: reconciled, {} changes in {} ms{}",
          name,
          first.size(),
          (System.nanoTime() - t0) / 1_000_000,
          first.isEmpty() ? " (the kernel already had the plan)" : "");
      if (node instanceof Node.Gateway g) {
        LocalGateway self = Tunnels.self(g, tunnel);
        int port = config.probe().port();
        responder =
            EchoResponder.bind(List.of(socket(self.transit(), port), socket(self.overlay(), port)));
        responder.start();
      }
      Map<String, Ipv4> targets = Tunnels.probeTargets(node, tunnel);
      long interval = config.probe().interval().toNanos();
      long resync = config.resync().toNanos();
      try (Prober prober =
          Prober.open(targets, Tunnels.overlays(node, tunnel), config.probe().port())) {
        long now = System.nanoTime();
        HealthTracker tracker =
            new HealthTracker(
                targets.keySet(), config.probe().misses(), config.probe().hold().toNanos(), now);
        health = tracker.health();
        prepareFailovers(rtnl, node, tunnel, health);
        started.countDown();
        RoundClock rounds =
            new RoundClock(
                interval,
                RoundClock.phase(
                    HashSeed.of(node, tunnel), HashSeed.ofOtherWay(node, tunnel), interval));
        Consumer<HealthTracker.Transition> onHinted =
            t -> onHealthChange(rtnl, prober, node, tunnel, tracker, List.of(t));
        long next = now;
        long nextResync = now + resync;
        while (!closed) {
          prober.send();
          long previous = next;
          next = rounds.next(previous);
          // the agent's own work (failovers prepared, the resync's dump) waits for a quarter of
          // the round: a boundary is when the nodes choosing among the same gateways decide
          // together, and the other way's boundaries are half a round off
          prober.collect(tracker, previous + (next - previous) / 4, onHinted);
          runLater();
          if (prepareFor != null) {
            prepareFailovers(rtnl, node, tunnel, prepareFor);
            prepareFor = null;
          }
          if (System.nanoTime() - nextResync >= 0) {
            resync(rtnl, applied);
            nextResync = System.nanoTime() + resync;
          }
          prober.collect(tracker, next, onHinted);
          now = System.nanoTime();
          List<HealthTracker.Transition> transitions = tracker.endRound(now);
          if (!transitions.isEmpty()) {
            onHealthChange(rtnl, prober, node, tunnel, tracker, transitions);
          }
          health = tracker.health();
          settled = tracker.settled(now);
          restartsHeard = prober.restartsTaken();
        }
        runLater();
      }
    } finally {
      started.countDown();
      if (responder != null) {
        if (closed && !leaving) {
          // an orderly stop: the kernel state stays and traffic keeps flowing through this
          // gateway; the nodes probing it should not move its flows while the agent restarts
          responder.restarting(RESTART_HOLD);
        }
        responder.close();
      }
      log.info("agent {}: stopped (kernel state left in place)", name);
      MDC.remove("node");
      stopped.countDown();
    }
  }

  /**
   * Applies a health change: replaces the groups with the batch prepared for exactly this health
   * (at a raised priority, {@link ThreadPriority}), or plans and applies when none was (two
   * gateways at once, a gateway back). The rest waits for a quarter of the round, off the moment
   * when the other nodes choosing among the same gateways replace theirs: telling them when this
   * node decided on its own evidence (a hint it took is not passed on again), the log line, and the
   * next failovers.
   */
  private void onHealthChange(
      RtnetlinkClient rtnl,
      Prober prober,
      Node node,
      Tunnel tunnel,
      HealthTracker tracker,
      List<HealthTracker.Transition> transitions) {
    Map<String, Health> h = tracker.health();
    Failover ready = failovers.get(h);
    List<KernelObject> want;
    List<Change> changes;
    String notRaised = null;
    long toKernel = System.nanoTime();
    try {
      if (ready != null) {
        // one netlink send, at a raised priority (ThreadPriority); nothing else runs raised, and
        // no thread or process is started from it (they would inherit the priority)
        notRaised = priority.raise();
        try {
          rtnl.apply(ready.batch());
        } finally {
          priority.restore();
        }
        want = ready.want();
        changes = ready.changes();
      } else {
        want = Plan.desired(node, Tunnels.withHealth(node, tunnel, h));
        changes = Plan.diff(want, applied);
        KernelWriter.apply(rtnl, changes);
      }
    } catch (RuntimeException e) {
      log.warn(
          "agent {}: applying {} failed, the next resync retries: {}", name, h, e.getMessage());
      failovers = Map.of();
      later.add(() -> hint(prober, transitions));
      return;
    }
    long done = System.nanoTime();
    applied = want;
    for (HealthTracker.Transition t : transitions) {
      long evidence = (t.at() - t.since()) / 1_000_000;
      long micros = (done - t.at()) / 1_000;
      healthChanges.add(
          new HealthChange(t.gateway(), t.health(), evidence, micros, t.at(), t.hinted(), changes));
    }
    // the rest waits for the quarter point of the round, with the next failovers: the other nodes
    // choosing among these gateways are replacing their groups in this instant (their rounds are
    // on the same grid), and a hint is for one that is a round behind
    String way = ready != null ? "prepared" : "planned";
    String notRaisedNow = notRaised;
    later.add(
        () -> {
          hint(prober, transitions);
          logHealthChange(transitions, h, changes, done, toKernel, way, notRaisedNow);
        });
    failovers = Map.of();
    prepareFor = h;
  }

  private void logHealthChange(
      List<HealthTracker.Transition> transitions,
      Map<String, Health> h,
      List<Change> changes,
      long done,
      long toKernel,
      String way,
      String notRaised) {
    if (notRaised != null && !notRaisedSaid) {
      notRaisedSaid = true;
      log.info(
          "agent {}: failovers are applied at this thread's own priority: raising it was refused,"
              + " {}; on a busy node a failover then waits longer for a CPU",
          name,
          notRaised);
    }
    for (HealthTracker.Transition t : transitions) {
      long evidence = (t.at() - t.since()) / 1_000_000;
      long micros = (done - t.at()) / 1_000;
      log.info(
          "agent {}: gateway {} {} ({} {} ms); {} change(s), detection → applied {} ms; {}, {}"
              + " (kernel {} ms), decided at {} ns monotonic; now {}",
          name,
          t.gateway(),
          t.health(),
          t.health() == Health.DOWN ? "silent for" : "answering for",
          evidence,
          changes.size(),
          String.format(java.util.Locale.ROOT, "%.3f", micros / 1000.0),
          t.hinted() ? "on a hint" : "own probes",
          way,
          String.format(java.util.Locale.ROOT, "%.3f", (done - toKernel) / 1e6),
          t.at(),
          Tunnels.names(h));
    }
  }

  /** Does what a health change left for the quiet point of the round (hints, its log line). */
  private void runLater() {
    for (Runnable r : later) {
      r.run();
    }
    later.clear();
  }

  /**
   * Tells the other nodes choosing among these gateways of what this node decided on its own
   * evidence. They decided in the same instant (their rounds are on the same grid); a hint is for
   * one that is a round behind, so it goes a quarter of a round later, not while every node is
   * replacing its groups (on a shared host the relays' wake-ups were in their way).
   */
  private static void hint(Prober prober, List<HealthTracker.Transition> transitions) {
    for (HealthTracker.Transition t : transitions) {
      if (t.health() == Health.DOWN && !t.hinted()) {
        prober.hint(t.gateway());
      }
    }
  }

  /**
   * Plans and encodes, for each gateway up in {@code h}, the changes that take it out of the groups
   * applied now: a failure then costs one netlink send. Only single-batch netlink changes are
   * prepared (a group replace); anything else is planned when it happens.
   */
  private void prepareFailovers(
      RtnetlinkClient rtnl, Node node, Tunnel tunnel, Map<String, Health> h) {
    Map<Map<String, Health>, Failover> next = new HashMap<>();
    try {
      for (Map.Entry<String, Health> e : h.entrySet()) {
        if (e.getValue() != Health.UP) {
          continue;
        }
        Map<String, Health> down = new LinkedHashMap<>(h);
        down.put(e.getKey(), Health.DOWN);
        List<KernelObject> want = Plan.desired(node, Tunnels.withHealth(node, tunnel, down));
        List<Change> changes = Plan.diff(want, applied);
        RtnetlinkClient.Prepared batch = rtnl.prepare(changes);
        if (batch != null) {
          next.put(down, new Failover(want, changes, batch));
        }
      }
    } catch (RuntimeException e) {
      log.debug("agent {}: failovers not prepared: {}", name, e.toString());
    }
    failovers = next;
  }

  /** A failover planned and encoded ahead: what it makes the kernel, the changes, their bytes. */
  private record Failover(
      List<KernelObject> want, List<Change> changes, RtnetlinkClient.Prepared batch) {}

  private void resync(RtnetlinkClient rtnl, List<KernelObject> applied) {
    // NAT is read back only at start (a fork per read); everything else every resync
    List<KernelObject> want =
        applied.stream().filter(o -> o.kind() != KernelObject.Kind.NAT_TABLE).toList();
    try {
      List<Change> repair = Plan.diff(want, rtnl.observe(want));
      if (!repair.isEmpty()) {
        KernelWriter.apply(rtnl, repair);
        log.info(
            "agent {}: repaired {} object(s) others changed or removed: {}",
            name,
            repair.size(),
            repair.stream().map(c -> c.object().key()).toList());
      }
      lastResyncFailure = null;
    } catch (RuntimeException e) {
      // e.g. a route whose link is down (this gateway crashed): said once, retried every resync
      if (!String.valueOf(e.getMessage()).equals(lastResyncFailure)) {
        log.warn("agent {}: resync failed, retrying every resync: {}", name, e.getMessage());
      }
      lastResyncFailure = String.valueOf(e.getMessage());
    }
  }

  private static InetSocketAddress socket(Ipv4 ip, int port) throws IOException {
    return new InetSocketAddress(InetAddress.getByAddress(ip.octets()), port);
  }

  /** Waits until the first reconcile is done and probing has begun (or the run failed). */
  public boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
    return started.await(timeout, unit);
  }

  /** The health of each chosen-among gateway as last judged. */
  public Map<String, Health> health() {
    return health;
  }

  /** Whether every chosen-among gateway is up and has answered every probe for the hold time. */
  public boolean settled() {
    return settled;
  }

  /** How many times a gateway this node probes said its agent was restarting (and it was taken). */
  public int restartsHeard() {
    return restartsHeard;
  }

  /** How many changes the first reconcile made (-1 before it is done). */
  public int changesAtStart() {
    return changesAtStart;
  }

  /** Every health change so far, oldest first. */
  public List<HealthChange> healthChanges() {
    return List.copyOf(healthChanges);
  }

  /**
   * Stops for good: the caller removes the kernel state next (the tunnel was deleted), so the nodes
   * probing this gateway are not asked to wait for it ({@link #RESTART_HOLD}).
   */
  public void closeLeaving() {
    leaving = true;
    close();
  }

  /**
   * Stops {@link #run} (within one probe interval) and waits up to 5 s for it to return. A
   * gateway's agent tells the nodes probing it that it is restarting: its kernel state stays.
   */
  @Override
  public void close() {
    closed = true;
    if (!running) {
      return;
    }
    try {
      stopped.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
