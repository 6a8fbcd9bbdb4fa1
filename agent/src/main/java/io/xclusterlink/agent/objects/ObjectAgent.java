package io.xclusterlink.agent.objects;

import io.xclusterlink.agent.config.AgentConfig;
import io.xclusterlink.agent.config.ProbeConfig;
import io.xclusterlink.agent.netlink.NetlinkException;
import io.xclusterlink.agent.netlink.RtnetlinkClient;
import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.NexthopIds;
import io.xclusterlink.agent.plan.Plan;
import io.xclusterlink.agent.plan.Tunnel;
import io.xclusterlink.agent.run.Agent;
import io.xclusterlink.agent.run.OwnedState;
import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.TunnelStatus;
import io.xclusterlink.api.Vpc;
import io.xclusterlink.api.VpcNatTunnel;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one node driven by API objects instead of a config file. Every {@code poll} it reads
 * the VpcNatTunnels, Vpcs and GatewayExIps (local and learned from peers) from the gateway's admin
 * API, maps them onto a {@link Tunnel} ({@link TunnelFromObjects}), and when that differs from the
 * one it runs, runs an {@link Agent} for the new one: the new agent's first reconcile applies only
 * the difference (a remote gateway that appeared or withdrew is its FDB, neighbour and nexthop
 * entries and one group replace). A gateway node first publishes its own GatewayExIp. When the
 * tunnel is deleted, the node's owned kernel state is removed. A {@code gre} tunnel is refused
 * without touching the kernel when the kernel lacks {@code ip_gre}, and in any case in this
 * version, which programs VXLAN only. Each node reports its part of the tunnel's status.
 *
 * <p>{@link #run} runs on the calling thread, which must be in the node's network namespace; the
 * inner agents run on threads it starts, which inherit that namespace.
 */
public final class ObjectAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ObjectAgent.class);

  /**
   * How often the metrics snapshot goes to the gateway when nothing changed: well inside the
   * gateway's expiry of a snapshot (10 s), and cheap (one netlink dump and one small request). A
   * health change is pushed at the next poll instead.
   */
  static final Duration METRICS_PUSH = Duration.ofSeconds(2);

  private final NodeIdentity self;
  private final ObjectSource source;
  private final ProbeConfig probe;
  private final Duration resync;
  private final Duration poll;
  private final KernelModules modules;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean running;

  private Tunnel current;
  private volatile ObjectKey currentKey;
  private volatile Agent agent;
  private CompletableFuture<Void> agentRun;
  private TunnelStatus lastReport;
  private VpcNatTunnel lastRead;
  private int changesSeen;
  private Instant lastFailover;
  private volatile String state = "starting";
  private volatile int tunnelsStarted;
  private volatile int removals;
  private volatile long membershipChanges;
  private volatile long appliedCount;
  private volatile double appliedSecondsSum;
  private volatile double appliedSecondsMax;
  private volatile Map<String, Integer> buckets = Map.of();
  private long lastPushNanos;
  private boolean pushed;
  private Map<String, Health> pushedHealth;
  private String lastPushProblem;
  private volatile String lastPacketsProblem;

  public ObjectAgent(
      NodeIdentity self,
      ObjectSource source,
      ProbeConfig probe,
      Duration resync,
      Duration poll,
      KernelModules modules) {
    this.self = self;
    this.source = source;
    this.probe = probe;
    this.resync = resync;
    this.poll = poll;
    this.modules = modules;
  }

  /**
   * Runs until {@link #close}; admin API failures are logged and retried every poll.
   *
   * @throws NetlinkException when the kernel refuses for want of CAP_NET_ADMIN
   */
  public void run() throws InterruptedException {
    running = true;
    String lastProblem = null;
    try {
      while (!closed) {
        try {
          step();
          lastProblem = null;
        } catch (IOException | RuntimeException e) {
          if (fatal(e) != null) {
            throw fatal(e);
          }
          if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
            log.warn(
                "agent {}: {} (retrying every {} ms)",
                self.name(),
                e.getMessage(),
                poll.toMillis());
          }
          lastProblem = String.valueOf(e.getMessage());
        }
        pushMetricsWhenDue();
        sleepPoll();
      }
    } finally {
      stopAgent();
      stopped.countDown();
    }
  }

  /** A refusal no retry can cure: the process lacks CAP_NET_ADMIN. */
  private static NetlinkException fatal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NetlinkException n && n.errno() == 1) {
        return n;
      }
    }
    return null;
  }

  private void sleepPoll() throws InterruptedException {
    // the poll interval is the agent's own pace, not a synchronisation with anything
    long until = System.nanoTime() + poll.toNanos();
    while (!closed && System.nanoTime() < until) {
      TimeUnit.MILLISECONDS.sleep(Math.min(50, poll.toMillis()));
    }
  }

  /** One round: publish, read, map, and apply what changed. */
  void step() throws IOException {
    List<XclObject> vpcObjects = source.list(Kind.VPC);
    List<Vpc> vpcs = TunnelFromObjects.typed(vpcObjects, Vpc.class);
    Vpc ownVpc =
        vpcs.stream()
            .filter(v -> v.metadata().name().equals(self.vpc()))
            .filter(v -> v.metadata().namespace().equals(self.namespace()))
            .findFirst()
            .orElse(null);
    List<GatewayExIp> gateways =
        TunnelFromObjects.typed(source.list(Kind.GATEWAY_EX_IP), GatewayExIp.class);
    if (!self.router() && ownVpc != null && publishOwn(ownVpc, gateways)) {
      gateways = TunnelFromObjects.typed(source.list(Kind.GATEWAY_EX_IP), GatewayExIp.class);
    }
    VpcNatTunnel tunnel =
        select(TunnelFromObjects.typed(source.list(Kind.VPC_NAT_TUNNEL), VpcNatTunnel.class));
    if (tunnel == null) {
      if (currentKey != null) {
        log.info("agent {}: tunnel {} deleted", self.name(), currentKey);
        stopAgentLeaving();
        List<Change> removed = OwnedState.removeAll();
        removals++;
        log.info(
            "agent {}: removed the tunnel's kernel state, {} object(s)",
            self.name(),
            removed.size());
        current = null;
        currentKey = null;
        lastReport = null;
      }
      state = "no tunnel";
      return;
    }
    lastRead = tunnel;
    ObjectKey key = tunnel.key();
    if (currentKey != null && !currentKey.equals(key)) {
      stopAgentLeaving();
      OwnedState.removeAll();
      current = null;
    }
    currentKey = key;
    String type = tunnel.spec().typeOrDefault();
    if (!VpcNatTunnel.TYPE_VXLAN.equals(type)) {
      refuse(key, type);
      return;
    }
    TunnelFromObjects.Outcome outcome = TunnelFromObjects.build(self, tunnel, vpcs, gateways);
    if (outcome instanceof TunnelFromObjects.NotReady n) {
      state = n.reason() + ": " + n.message();
      if (current == null) {
        report(key, false, n.reason(), n.message());
      }
      // a running tunnel keeps its last state: its probes judge gateways that went silent
      return;
    }
    Tunnel next = ((TunnelFromObjects.Ready) outcome).tunnel();
    if (!next.equals(current)) {
      if (samePlan(current, next)) {
        // e.g. the router when only remote gateways changed: nothing of its kernel state or its
        // probing depends on them, so its health tracking is not restarted
        current = next;
      } else {
        startAgent(next);
      }
    }
    reportRunning(key);
  }

  /**
   * Whether {@code next} programs and probes exactly what {@code current} does on this node: the
   * same desired kernel state (which holds every probed address) and, for a gateway, the same own
   * addresses (where it answers probes).
   */
  private boolean samePlan(Tunnel current, Tunnel next) {
    if (current == null || agent == null) {
      return false;
    }
    if (!Plan.desired(self.node(), current).equals(Plan.desired(self.node(), next))) {
      return false;
    }
    return self.router() || Objects.equals(own(current), own(next));
  }

  private Object own(Tunnel t) {
    return t.localGateways().stream().filter(g -> g.name().equals(self.name())).findFirst();
  }

  /** Applies this node's GatewayExIp when the stored one differs; true if it did. */
  private boolean publishOwn(Vpc vpc, List<GatewayExIp> stored) throws IOException {
    GatewayExIp own = TunnelFromObjects.own(self, vpc);
    GatewayExIp have =
        stored.stream().filter(g -> g.key().equals(own.key())).findFirst().orElse(null);
    if (have == null
        || !Objects.equals(have.spec(), own.spec())
        || !have.metadata().labels().isEmpty()) {
      source.apply(own);
      log.info(
          "agent {}: published GatewayExIp {} (external {}, tunnel {}, transit {})",
          self.name(),
          own.key(),
          self.externalIp(),
          self.tunnelIp(),
          self.transitIp());
      return true;
    }
    return false;
  }

  private VpcNatTunnel select(List<VpcNatTunnel> tunnels) {
    List<VpcNatTunnel> mine = new ArrayList<>();
    for (VpcNatTunnel t : tunnels) {
      if (!t.metadata().namespace().equals(self.namespace())) {
        continue;
      }
      if (self.tunnel() != null
          ? t.metadata().name().equals(self.tunnel())
          : self.vpc().equals(t.spec().localVpc())) {
        mine.add(t);
      }
    }
    if (mine.size() > 1) {
      throw new IllegalStateException(
          mine.size()
              + " VpcNatTunnels of Vpc "
              + self.vpc()
              + " (expected: one per node; name it with --tunnel)");
    }
    return mine.isEmpty() ? null : mine.get(0);
  }

  private void refuse(ObjectKey key, String type) throws IOException {
    if (current != null) {
      // the tunnel changed type: what was programmed for vxlan goes
      stopAgentLeaving();
      OwnedState.removeAll();
      current = null;
    }
    String module = KernelModules.moduleFor(type);
    String message =
        modules.present(module)
            ? "type "
                + type
                + " (kernel module "
                + module
                + " present) is not programmed by this agent version (expected: vxlan);"
                + " nothing was created"
            : "type "
                + type
                + " needs kernel module "
                + module
                + ", which this kernel has not loaded (/sys/module/"
                + module
                + " missing); nothing was created";
    state = "KernelModuleMissing: " + message;
    report(
        key, false, modules.present(module) ? "TypeNotSupported" : "KernelModuleMissing", message);
  }

  private void startAgent(Tunnel next) {
    stopAgent();
    Agent a = new Agent(new AgentConfig(self.node(), next, probe, resync));
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                a.run();
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "agent-" + self.name());
    t.setDaemon(true);
    t.start();
    try {
      if (!a.awaitStarted(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the agent did not start within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the agent", e);
    }
    if (done.isCompletedExceptionally()) {
      Throwable cause = done.handle((v, e) -> e).join();
      throw new IllegalStateException(
          "the tunnel's kernel state was refused: " + cause.getMessage(), cause);
    }
    log.info(
        "agent {}: tunnel with {} local and {} remote gateway(s) running ({} change(s) at start)",
        self.name(),
        next.localGateways().size(),
        next.remoteGateways().size(),
        a.changesAtStart());
    agent = a;
    agentRun = done;
    current = next;
    changesSeen = 0;
    tunnelsStarted++;
    state = "running";
  }

  private void stopAgent() {
    stopAgent(false);
  }

  /** Stops the agent whose kernel state is removed next: nobody is asked to wait for it. */
  private void stopAgentLeaving() {
    stopAgent(true);
  }

  private void stopAgent(boolean leaving) {
    if (agent != null) {
      if (leaving) {
        agent.closeLeaving();
      } else {
        agent.close();
      }
      agent = null;
      agentRun = null;
    }
  }

  private void reportRunning(ObjectKey key) throws IOException {
    Agent a = agent;
    if (a == null) {
      return;
    }
    if (agentRun.isCompletedExceptionally()) {
      Throwable e = agentRun.handle((v, x) -> x).join();
      current = null;
      agent = null;
      report(key, false, "AgentFailed", String.valueOf(e.getMessage()));
      return;
    }
    List<Agent.HealthChange> all = a.healthChanges();
    if (all.size() > changesSeen) {
      for (Agent.HealthChange c : all.subList(changesSeen, all.size())) {
        membershipChanges++;
        appliedCount++;
        appliedSecondsSum += c.appliedMicros() / 1e6;
        appliedSecondsMax = Math.max(appliedSecondsMax, c.appliedMicros() / 1e6);
      }
      changesSeen = all.size();
      lastFailover = Instant.now();
    }
    Map<String, Health> health = a.health();
    Map<String, Integer> shares = bucketShares(health.keySet());
    List<TunnelStatus.GatewayState> gws = new ArrayList<>();
    for (Map.Entry<String, Health> e : new java.util.TreeMap<>(health).entrySet()) {
      gws.add(
          new TunnelStatus.GatewayState(
              e.getKey(),
              e.getValue() == Health.UP ? "Up" : "Down",
              shares.getOrDefault(e.getKey(), 0),
              self.name()));
    }
    buckets = Map.copyOf(shares);
    TunnelStatus report =
        new TunnelStatus(
            List.of(
                new TunnelStatus.NodeState(self.name(), true, "Programmed", "programmed", null)),
            self.router() ? gws : List.of(),
            self.router() ? List.of() : gws,
            lastFailover == null ? null : lastFailover.toString());
    send(key, report);
  }

  /**
   * Each chosen-among gateway's share of the group's buckets as the kernel has it now (read on the
   * calling thread, which is in the node's namespace): a gateway that came back gains buckets only
   * as they fall idle, which the plan's even split would not show. Empty if it cannot be read.
   */
  private Map<String, Integer> bucketShares(java.util.Collection<String> gateways) {
    Tunnel t = current;
    if (t == null || gateways.isEmpty()) {
      return Map.of();
    }
    NexthopIds ids = NexthopIds.assign(t.vxlan().vni(), gateways);
    try (RtnetlinkClient rtnl = RtnetlinkClient.open()) {
      Map<Integer, Integer> counts = rtnl.bucketCounts(ids.group());
      Map<String, Integer> out = new java.util.TreeMap<>();
      ids.members().forEach((name, id) -> out.put(name, counts.getOrDefault(id, 0)));
      return out;
    } catch (NetlinkException e) {
      log.debug("node {}: buckets not read: {}", self.name(), e.getMessage());
      return Map.of();
    }
  }

  /**
   * The packets this node sent through each chosen-among gateway since its group was last replaced
   * (the kernel's nexthop group statistics, read on the calling thread, which is in the node's
   * namespace); a gateway out of the group counts 0. Empty when the group is not there or the
   * kernel keeps no such statistics (before Linux 6.7: said once).
   */
  private Map<String, Long> gatewayPackets(
      RtnetlinkClient rtnl, java.util.Collection<String> gateways) {
    Tunnel t = current;
    if (t == null || gateways.isEmpty()) {
      return Map.of();
    }
    NexthopIds ids = NexthopIds.assign(t.vxlan().vni(), gateways);
    try {
      Map<Integer, Long> byId = rtnl.groupPackets(ids.group());
      if (byId.isEmpty()) {
        return Map.of();
      }
      Map<String, Long> out = new java.util.TreeMap<>();
      ids.members().forEach((name, id) -> out.put(name, byId.getOrDefault(id, 0L)));
      return out;
    } catch (NetlinkException e) {
      if (!String.valueOf(e.getMessage()).equals(lastPacketsProblem)) {
        log.info(
            "agent {}: no per-gateway packet counts: {} (expected: Linux 6.7 or later, which keeps"
                + " nexthop group statistics)",
            self.name(),
            e.getMessage());
      }
      lastPacketsProblem = String.valueOf(e.getMessage());
      return Map.of();
    }
  }

  private void report(ObjectKey key, boolean ready, String reason, String message)
      throws IOException {
    send(
        key,
        new TunnelStatus(
            List.of(new TunnelStatus.NodeState(self.name(), ready, reason, message, null)),
            null,
            null,
            null));
  }

  private void send(ObjectKey key, TunnelStatus report) throws IOException {
    if (report.equals(lastReport) && storedHasOurPart()) {
      return;
    }
    source.report(key, report);
    lastReport = report;
  }

  /**
   * Pushes the metrics snapshot to the gateway every {@link #METRICS_PUSH}, and at once when a
   * gateway's health changed. Not through the tunnel's status: that is written to disk, and
   * counters would make a write of every push.
   */
  private void pushMetricsWhenDue() {
    Agent a = agent;
    Map<String, Health> health = a == null ? Map.of() : a.health();
    long now = System.nanoTime();
    if (pushed && now - lastPushNanos < METRICS_PUSH.toNanos() && health.equals(pushedHealth)) {
      return;
    }
    lastPushNanos = now;
    pushed = true;
    try {
      source.pushMetrics(metrics());
      pushedHealth = health;
      lastPushProblem = null;
    } catch (IOException | RuntimeException e) {
      // retried at the next push; said once, not every 2 s
      if (!String.valueOf(e.getMessage()).equals(lastPushProblem)) {
        log.warn("agent {}: metrics not pushed: {}", self.name(), e.getMessage());
      }
      lastPushProblem = String.valueOf(e.getMessage());
    }
  }

  /**
   * The metrics as of now: the kernel's counters of the node's tunnel device (read on the calling
   * thread, which must be in the node's namespace), the rest as of the last poll.
   */
  public AgentMetrics metrics() {
    Agent a = agent;
    Map<String, Health> health = a == null ? Map.of() : a.health();
    Map<String, RtnetlinkClient.LinkCounters> devices;
    Map<String, Long> packets;
    try (RtnetlinkClient rtnl = RtnetlinkClient.open()) {
      devices = rtnl.linkCounters("xclvx");
      packets = gatewayPackets(rtnl, health.keySet());
    }
    ObjectKey key = currentKey;
    Map<String, AgentMetrics.DeviceCounters> counters = new java.util.TreeMap<>();
    devices.forEach(
        (dev, c) ->
            counters.put(
                dev,
                new AgentMetrics.DeviceCounters(
                    c.rxPackets(), c.txPackets(), c.rxBytes(), c.txBytes())));
    Map<String, AgentMetrics.GatewayShare> gateways = new java.util.TreeMap<>();
    Map<String, Integer> shares = buckets;
    health.forEach(
        (g, h) ->
            gateways.put(
                g,
                new AgentMetrics.GatewayShare(
                    h == Health.UP, shares.getOrDefault(g, 0), packets.get(g))));
    return new AgentMetrics(
        self.name(),
        key == null ? null : key.namespace() + "/" + key.name(),
        counters,
        gateways,
        membershipChanges,
        appliedCount,
        appliedSecondsSum,
        appliedSecondsMax,
        tunnelsStarted);
  }

  /**
   * Whether the tunnel as last read carries this node's part: a gateway's store does not keep
   * status across its restart, so an agent whose report is gone sends it again.
   */
  private boolean storedHasOurPart() {
    VpcNatTunnel t = lastRead;
    return t != null
        && t.status().tunnel() != null
        && t.status().tunnel().nodes().stream().anyMatch(n -> n.node().equals(self.name()));
  }

  /** What the agent is doing, for logs and tests: "running", or why not. */
  public String state() {
    return state;
  }

  /** The inner agent of the running tunnel, or null. */
  public Agent agent() {
    return agent;
  }

  /** How many times a tunnel was (re)started from objects. */
  public int tunnelsStarted() {
    return tunnelsStarted;
  }

  /** How many times a deleted tunnel's state was removed. */
  public int removals() {
    return removals;
  }

  @Override
  public void close() {
    closed = true;
    if (!running) {
      return;
    }
    try {
      stopped.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
