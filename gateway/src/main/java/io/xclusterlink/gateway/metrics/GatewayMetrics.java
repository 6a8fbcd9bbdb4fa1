package io.xclusterlink.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's counters. Increments are lock-free (Micrometer counters are striped adders), so
 * they are safe on the event loops.
 */
public final class GatewayMetrics {
  /** Which gateway of a tunnel counts: the importing (egress) or the exporting (ingress) one. */
  public enum Side {
    EGRESS,
    INGRESS;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter egressOpened;
  private final Counter ingressOpened;
  private final AtomicLong egressActive = new AtomicLong();
  private final AtomicLong ingressActive = new AtomicLong();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();

  public GatewayMetrics() {
    egressOpened = Counter.builder("xcl_tunnels_opened").tag("side", "egress").register(registry);
    ingressOpened = Counter.builder("xcl_tunnels_opened").tag("side", "ingress").register(registry);
    Gauge.builder("xcl_tunnels_active", egressActive, AtomicLong::get).tag("side", "egress").register(registry);
    Gauge.builder("xcl_tunnels_active", ingressActive, AtomicLong::get).tag("side", "ingress").register(registry);
    Gauge.builder("xcl_tunnel_bytes_to_peer", bytesOut, LongAdder::sum).register(registry);
    Gauge.builder("xcl_tunnel_bytes_from_peer", bytesIn, LongAdder::sum).register(registry);
  }

  public void opened(Side side) {
    (side == Side.EGRESS ? egressOpened : ingressOpened).increment();
    (side == Side.EGRESS ? egressActive : ingressActive).incrementAndGet();
  }

  public void closed(Side side) {
    (side == Side.EGRESS ? egressActive : ingressActive).decrementAndGet();
  }

  /** Counts one refusal; {@code reason} is a short label such as {@code denied}. */
  public void refused(Side side, String reason) {
    refused
        .computeIfAbsent(
            side.tag() + "/" + reason,
            k ->
                Counter.builder("xcl_tunnels_refused")
                    .tag("side", side.tag())
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /** Bytes carried from this gateway's TCP legs into tunnels. */
  public void bytesToPeer(long n) {
    bytesOut.add(n);
  }

  /** Bytes carried from tunnels out to this gateway's TCP legs. */
  public void bytesFromPeer(long n) {
    bytesIn.add(n);
  }

  /** A summary for the status answer. */
  public Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("egressTunnelsOpened", (long) egressOpened.count());
    m.put("ingressTunnelsOpened", (long) ingressOpened.count());
    m.put("egressTunnelsActive", egressActive.get());
    m.put("ingressTunnelsActive", ingressActive.get());
    long refusedTotal = 0;
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (Map.Entry<String, Counter> e : refused.entrySet()) {
      long c = (long) e.getValue().count();
      refusedTotal += c;
      byReason.put(e.getKey(), c);
    }
    m.put("tunnelsRefused", refusedTotal);
    m.put("refusedByReason", byReason);
    m.put("bytesToPeers", bytesOut.sum());
    m.put("bytesFromPeers", bytesIn.sum());
    return m;
  }

  public String scrape() {
    return registry.scrape();
  }
}
