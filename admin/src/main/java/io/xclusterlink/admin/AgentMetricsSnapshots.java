package io.xclusterlink.admin;

import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.AgentMetricsText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The latest metrics snapshot of each L3 agent that pushes to this gateway, in memory only (they
 * are counters: nothing of them is worth a disk write), for the gateway's {@code /metrics}. Bounded
 * in nodes ({@link #MAX_NODES}); a snapshot not refreshed within {@link #EXPIRY} is dropped, so the
 * series of an agent that stopped vanish instead of freezing at their last values. Thread-safe.
 */
final class AgentMetricsSnapshots {
  /**
   * Agents per gateway: a node per gateway and router of the VPCs this gateway serves; far more
   * than a VPC has, and few enough that a full table costs at most a few MiB.
   */
  static final int MAX_NODES = 256;

  /** The largest snapshot body: a snapshot at its entry bounds is about 20 KiB of JSON. */
  static final int MAX_BODY = 64 << 10;

  /**
   * How long a snapshot lives without a refresh: five of the agent's pushes (every 2 s), so that a
   * push lost to a busy gateway or a GC pause does not blink a node's series, while a stopped agent
   * is gone from the next scrapes (Prometheus marks its series stale).
   */
  static final Duration EXPIRY = Duration.ofSeconds(10);

  private record Entry(AgentMetrics metrics, long receivedNanos) {}

  private final LongSupplier nanoClock;
  private final int maxNodes;
  private final long expiryNanos;
  private final Map<String, Entry> byNode = new HashMap<>();

  /** With {@link System#nanoTime}, {@link #MAX_NODES} and {@link #EXPIRY}. */
  AgentMetricsSnapshots() {
    this(System::nanoTime, MAX_NODES, EXPIRY);
  }

  /**
   * @param nanoClock monotonic time in nanoseconds (tests step it by hand)
   */
  AgentMetricsSnapshots(LongSupplier nanoClock, int maxNodes, Duration expiry) {
    this.nanoClock = nanoClock;
    this.maxNodes = maxNodes;
    this.expiryNanos = expiry.toNanos();
  }

  /**
   * Keeps {@code metrics} as its node's latest snapshot (validated by the caller).
   *
   * @throws LimitExceededException when the node is new and {@code maxNodes} others are current
   */
  synchronized void put(AgentMetrics metrics) {
    long now = nanoClock.getAsLong();
    expire(now);
    if (!byNode.containsKey(metrics.node()) && byNode.size() >= maxNodes) {
      throw LimitExceededException.full(
          "agent metrics of node "
              + metrics.node()
              + ": "
              + byNode.size()
              + " nodes already push to this gateway (expected: at most "
              + maxNodes
              + "; a node's snapshot expires "
              + expiryNanos / 1_000_000_000
              + " s after its last push)");
    }
    byNode.put(metrics.node(), new Entry(metrics, now));
  }

  /** The current snapshots (expired ones dropped), in no particular order. */
  synchronized List<AgentMetrics> current() {
    expire(nanoClock.getAsLong());
    List<AgentMetrics> out = new ArrayList<>(byNode.size());
    byNode.values().forEach(e -> out.add(e.metrics()));
    return out;
  }

  /** The current snapshots in the Prometheus text format; empty when there are none. */
  String render() {
    return AgentMetricsText.render(current());
  }

  private void expire(long now) {
    byNode.values().removeIf(e -> now - e.receivedNanos() >= expiryNanos);
  }
}
