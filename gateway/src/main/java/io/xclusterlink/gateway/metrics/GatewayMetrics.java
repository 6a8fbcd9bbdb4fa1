package io.xclusterlink.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The gateway's meters, in Prometheus form on {@code /metrics}: per peer and per import (egress) or
 * export (ingress), tunnels opened and refused by reason, bytes each way and tunnel setup time; per
 * gateway, active tunnels and what the gateway port refused before authentication. Names follow
 * Prometheus conventions ({@code _total} counters, base units). Increments are lock-free (striped
 * adders), so they are safe on the event loops.
 *
 * <p>Label values come from configuration (peer, import and export names), never from what a
 * stranger or a peer sends, so the number of series is bounded by the objects in the store.
 */
public final class GatewayMetrics {
  /** Which gateway of a tunnel counts: the importing (egress) or the exporting (ingress) one. */
  public enum Side {
    EGRESS,
    INGRESS;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<Key, TunnelMeters> tunnels = new ConcurrentHashMap<>();
  private final Map<String, Counter> gatewayCounters = new ConcurrentHashMap<>();
  private final AtomicLong egressActive = new AtomicLong();
  private final AtomicLong ingressActive = new AtomicLong();

  public GatewayMetrics() {
    Gauge.builder("xcl.tunnels.active", egressActive, AtomicLong::get)
        .description("Tunnels open now")
        .tag("side", "egress")
        .register(registry);
    Gauge.builder("xcl.tunnels.active", ingressActive, AtomicLong::get)
        .description("Tunnels open now")
        .tag("side", "ingress")
        .register(registry);
  }

  /**
   * The meters of one import's tunnels to one peer (egress) or one peer's tunnels to one export
   * (ingress). {@code peer}, {@code namespace} and {@code name} may be empty when not known (a
   * client refused before any source was chosen, a request for an export that does not exist).
   */
  public TunnelMeters tunnels(Side side, String peer, String namespace, String name) {
    return tunnels.computeIfAbsent(
        new Key(side, nz(peer), nz(namespace), nz(name)), TunnelMeters::new);
  }

  /**
   * A connection on the gateway port closed before authentication; {@code reason} a short label.
   */
  public void preAuthRefused(String reason) {
    gatewayCounter(
            "xcl.gateway.preauth.refused",
            "Gateway-port connections closed before authentication",
            reason)
        .increment();
  }

  /** A peer's connection closed by this gateway for misbehaving; {@code reason} a short label. */
  public void peerConnectionClosed(String reason) {
    gatewayCounter("xcl.peer.connections.closed", "Peer connections closed for misbehaving", reason)
        .increment();
  }

  private Counter gatewayCounter(String name, String description, String reason) {
    return gatewayCounters.computeIfAbsent(
        name + "/" + reason,
        k ->
            Counter.builder(name)
                .description(description)
                .tag("reason", reason)
                .register(registry));
  }

  /**
   * A summary for the status answer, summed over the meters (at each request, not on the data path:
   * a byte read is counted once, in its own series).
   */
  public Map<String, Object> summary() {
    long egressOpened = 0;
    long ingressOpened = 0;
    long bytesToPeers = 0;
    long bytesFromPeers = 0;
    long refusedTotal = 0;
    Map<String, Long> byReason = new TreeMap<>();
    for (TunnelMeters t : tunnels.values()) {
      long opened = (long) t.opened.count();
      if (t.side == Side.EGRESS) {
        egressOpened += opened;
      } else {
        ingressOpened += opened;
      }
      bytesToPeers += (long) t.bytesToPeer.count();
      bytesFromPeers += (long) t.bytesFromPeer.count();
      for (Map.Entry<String, Counter> e : t.refused.entrySet()) {
        long c = (long) e.getValue().count();
        refusedTotal += c;
        byReason.merge(t.side.tag() + "/" + e.getKey(), c, Long::sum);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("egressTunnelsOpened", egressOpened);
    m.put("ingressTunnelsOpened", ingressOpened);
    m.put("egressTunnelsActive", egressActive.get());
    m.put("ingressTunnelsActive", ingressActive.get());
    m.put("tunnelsRefused", refusedTotal);
    m.put("refusedByReason", byReason);
    m.put("bytesToPeers", bytesToPeers);
    m.put("bytesFromPeers", bytesFromPeers);
    return m;
  }

  public String scrape() {
    return registry.scrape();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private record Key(Side side, String peer, String namespace, String name) {}

  /** The meters of one (side, peer, import or export); thread-safe. */
  public final class TunnelMeters {
    private final Side side;
    private final Tags tags;
    private final Counter opened;
    private final Counter bytesToPeer;
    private final Counter bytesFromPeer;
    private final Timer setup;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    /** Counts bytes carried from this gateway's TCP legs into tunnels. */
    public final LongConsumer toPeer;

    /** Counts bytes carried from tunnels out to this gateway's TCP legs. */
    public final LongConsumer fromPeer;

    private TunnelMeters(Key k) {
      side = k.side();
      tags =
          Tags.of(
              "side", side.tag(), "peer", k.peer(), "namespace", k.namespace(), "name", k.name());
      opened =
          Counter.builder("xcl.tunnels.opened")
              .description("Tunnels opened")
              .tags(tags)
              .register(registry);
      bytesToPeer =
          Counter.builder("xcl.tunnel.bytes")
              .description("Bytes carried by tunnels")
              .baseUnit("bytes")
              .tags(tags)
              .tag("direction", "to_peer")
              .register(registry);
      bytesFromPeer =
          Counter.builder("xcl.tunnel.bytes")
              .description("Bytes carried by tunnels")
              .baseUnit("bytes")
              .tags(tags)
              .tag("direction", "from_peer")
              .register(registry);
      setup =
          Timer.builder("xcl.tunnel.setup")
              .description(
                  "Time from a client's connection (egress) or a peer's"
                      + " request (ingress) to the tunnel's answer")
              .tags(tags)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(100_000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(registry);
      toPeer = bytesToPeer::increment;
      fromPeer = bytesFromPeer::increment;
    }

    /** One tunnel opened after {@code setupNanos}; it counts as active until {@link #closed()}. */
    public void opened(long setupNanos) {
      opened.increment();
      setup.record(setupNanos, TimeUnit.NANOSECONDS);
      (side == Side.EGRESS ? egressActive : ingressActive).incrementAndGet();
    }

    public void closed() {
      (side == Side.EGRESS ? egressActive : ingressActive).decrementAndGet();
    }

    /** Counts one refusal; {@code reason} is a short label such as {@code denied}. */
    public void refused(String reason) {
      refused
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder("xcl.tunnels.refused")
                      .description("Tunnels refused")
                      .tags(tags)
                      .tag("reason", r)
                      .register(registry))
          .increment();
    }
  }
}
