package io.xclusterlink.api;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Renders L3 agents' metrics snapshots in the Prometheus text format (version 0.0.4): family by
 * family, each family's HELP and TYPE once followed by the samples of every node (the format allows
 * a family's lines in one group only), nodes in name order. Every series carries the labels {@code
 * node} and {@code tunnel}, so the series of different agents differ. The one renderer of both the
 * agent's own metrics socket (one snapshot) and the gateway's {@code /metrics} (all its agents').
 * Pure.
 */
public final class AgentMetricsText {
  private AgentMetricsText() {}

  /** A sample's label set beyond {@code node, tunnel} and its value. */
  @FunctionalInterface
  private interface Samples extends BiConsumer<AgentMetrics, Sink> {}

  /** Receives one sample: extra labels (already {@code k="v"} pairs, or empty) and its value. */
  @FunctionalInterface
  private interface Sink {
    void sample(String suffix, String labels, String value);
  }

  /** The snapshots' series, one block per family; empty text for no snapshots. */
  public static String render(Collection<AgentMetrics> snapshots) {
    List<AgentMetrics> nodes =
        snapshots.stream().sorted(Comparator.comparing(AgentMetrics::node)).toList();
    StringBuilder sb = new StringBuilder();
    if (nodes.isEmpty()) {
      return "";
    }
    family(
        sb,
        nodes,
        "xcl_l3_device_bytes_total",
        "counter",
        "Bytes through the node's tunnel device, from the kernel's counters.",
        (m, out) ->
            new TreeMap<>(m.devices())
                .forEach(
                    (dev, c) -> {
                      String d = "device=\"" + esc(dev) + "\"";
                      out.sample("", d + ",direction=\"rx\"", Long.toString(c.rxBytes()));
                      out.sample("", d + ",direction=\"tx\"", Long.toString(c.txBytes()));
                    }));
    family(
        sb,
        nodes,
        "xcl_l3_device_packets_total",
        "counter",
        "Packets through the node's tunnel device, from the kernel's counters.",
        (m, out) ->
            new TreeMap<>(m.devices())
                .forEach(
                    (dev, c) -> {
                      String d = "device=\"" + esc(dev) + "\"";
                      out.sample("", d + ",direction=\"rx\"", Long.toString(c.rxPackets()));
                      out.sample("", d + ",direction=\"tx\"", Long.toString(c.txPackets()));
                    }));
    family(
        sb,
        nodes,
        "xcl_l3_gateway_up",
        "gauge",
        "1 when a gateway this node chooses among answers its probes, else 0.",
        (m, out) ->
            new TreeMap<>(m.gateways())
                .forEach(
                    (g, s) -> out.sample("", "gateway=\"" + esc(g) + "\"", s.up() ? "1" : "0")));
    family(
        sb,
        nodes,
        "xcl_l3_gateway_buckets",
        "gauge",
        "The gateway's share of the resilient group's buckets (planned, even spread).",
        (m, out) ->
            new TreeMap<>(m.gateways())
                .forEach(
                    (g, s) ->
                        out.sample(
                            "", "gateway=\"" + esc(g) + "\"", Integer.toString(s.buckets()))));
    family(
        sb,
        nodes,
        "xcl_l3_gateway_packets_total",
        "counter",
        "Packets this node sent through the gateway, from the kernel's nexthop group statistics"
            + " (from 0 again whenever the group is replaced: a failover or a gateway back).",
        (m, out) ->
            new TreeMap<>(m.gateways())
                .forEach(
                    (g, s) -> {
                      if (s.packets() != null) {
                        out.sample("", "gateway=\"" + esc(g) + "\"", Long.toString(s.packets()));
                      }
                    }));
    family(
        sb,
        nodes,
        "xcl_l3_membership_changes_total",
        "counter",
        "Health changes that changed the group's membership.",
        (m, out) -> out.sample("", "", Long.toString(m.membershipChanges())));
    family(
        sb,
        nodes,
        "xcl_l3_detection_to_applied_seconds",
        "summary",
        "From a health decision to the kernel's ack of the group replace.",
        (m, out) -> {
          out.sample("_count", "", Long.toString(m.appliedCount()));
          out.sample("_sum", "", seconds(m.appliedSecondsSum()));
        });
    family(
        sb,
        nodes,
        "xcl_l3_detection_to_applied_seconds_max",
        "gauge",
        "The longest detection to applied time so far.",
        (m, out) -> out.sample("", "", seconds(m.appliedSecondsMax())));
    family(
        sb,
        nodes,
        "xcl_l3_tunnel_restarts_total",
        "counter",
        "Times the tunnel read from the objects changed and was applied.",
        (m, out) -> out.sample("", "", Long.toString(m.tunnelRestarts())));
    return sb.toString();
  }

  private static void family(
      StringBuilder sb,
      List<AgentMetrics> nodes,
      String name,
      String type,
      String help,
      Samples samples) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    for (AgentMetrics m : nodes) {
      String base =
          "node=\""
              + esc(m.node())
              + "\",tunnel=\""
              + esc(m.tunnel() == null ? "" : m.tunnel())
              + "\"";
      samples.accept(
          m,
          (suffix, labels, value) ->
              sb.append(name)
                  .append(suffix)
                  .append('{')
                  .append(base)
                  .append(labels.isEmpty() ? "" : ",")
                  .append(labels)
                  .append("} ")
                  .append(value)
                  .append('\n'));
    }
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.6f", s);
  }

  /** A label value as the text format wants it: backslash, double quote and line feed escaped. */
  static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
