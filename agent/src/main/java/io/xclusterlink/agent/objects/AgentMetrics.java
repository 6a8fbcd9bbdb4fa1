package io.xclusterlink.agent.objects;

import io.xclusterlink.agent.netlink.RtnetlinkClient.LinkCounters;
import io.xclusterlink.agent.plan.Health;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's metrics in the Prometheus text format (version 0.0.4), rendered from a snapshot: the
 * node's tunnel device counters as the kernel keeps them, each chosen-among gateway's health and
 * share of the group's buckets, how often membership changed, and the time from a health decision
 * to the kernel's ack. Pure.
 *
 * @param tunnel the VpcNatTunnel's namespace/name, or null when none is served
 * @param devices the counters of the node's owned devices ({@code xclvx<vni>}), by name
 */
public record AgentMetrics(
    String node,
    String tunnel,
    Map<String, LinkCounters> devices,
    Map<String, Health> health,
    Map<String, Integer> buckets,
    long membershipChanges,
    long appliedCount,
    double appliedSecondsSum,
    double appliedSecondsMax,
    long tunnelRestarts) {

  public String render() {
    StringBuilder sb = new StringBuilder();
    String base = "node=\"" + esc(node) + "\",tunnel=\"" + esc(tunnel == null ? "" : tunnel) + "\"";
    header(
        sb,
        "xcl_l3_device_bytes_total",
        "counter",
        "Bytes through the node's tunnel device, from the kernel's counters.");
    devices.forEach(
        (dev, c) -> {
          line(
              sb,
              "xcl_l3_device_bytes_total",
              base + ",device=\"" + dev + "\",direction=\"rx\"",
              c.rxBytes());
          line(
              sb,
              "xcl_l3_device_bytes_total",
              base + ",device=\"" + dev + "\",direction=\"tx\"",
              c.txBytes());
        });
    header(
        sb,
        "xcl_l3_device_packets_total",
        "counter",
        "Packets through the node's tunnel device, from the kernel's counters.");
    devices.forEach(
        (dev, c) -> {
          line(
              sb,
              "xcl_l3_device_packets_total",
              base + ",device=\"" + dev + "\",direction=\"rx\"",
              c.rxPackets());
          line(
              sb,
              "xcl_l3_device_packets_total",
              base + ",device=\"" + dev + "\",direction=\"tx\"",
              c.txPackets());
        });
    header(
        sb,
        "xcl_l3_gateway_up",
        "gauge",
        "1 when a gateway this node chooses among answers its probes, else 0.");
    new TreeMap<>(health)
        .forEach(
            (g, h) ->
                line(
                    sb,
                    "xcl_l3_gateway_up",
                    base + ",gateway=\"" + esc(g) + "\"",
                    h == Health.UP ? 1 : 0));
    header(
        sb,
        "xcl_l3_gateway_buckets",
        "gauge",
        "The gateway's share of the resilient group's buckets (planned, even spread).");
    new TreeMap<>(buckets)
        .forEach(
            (g, b) -> line(sb, "xcl_l3_gateway_buckets", base + ",gateway=\"" + esc(g) + "\"", b));
    header(
        sb,
        "xcl_l3_membership_changes_total",
        "counter",
        "Health changes that changed the group's membership.");
    line(sb, "xcl_l3_membership_changes_total", base, membershipChanges);
    header(
        sb,
        "xcl_l3_detection_to_applied_seconds",
        "summary",
        "From a health decision to the kernel's ack of the group replace.");
    line(sb, "xcl_l3_detection_to_applied_seconds_count", base, appliedCount);
    sb.append("xcl_l3_detection_to_applied_seconds_sum{")
        .append(base)
        .append("} ")
        .append(String.format(Locale.ROOT, "%.6f", appliedSecondsSum))
        .append('\n');
    header(
        sb,
        "xcl_l3_detection_to_applied_seconds_max",
        "gauge",
        "The longest detection to applied time so far.");
    sb.append("xcl_l3_detection_to_applied_seconds_max{")
        .append(base)
        .append("} ")
        .append(String.format(Locale.ROOT, "%.6f", appliedSecondsMax))
        .append('\n');
    header(
        sb,
        "xcl_l3_tunnel_restarts_total",
        "counter",
        "Times the tunnel read from the objects changed and was applied.");
    line(sb, "xcl_l3_tunnel_restarts_total", base, tunnelRestarts);
    return sb.toString();
  }

  private static void header(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder sb, String name, String labels, long value) {
    sb.append(name).append('{').append(labels).append("} ").append(value).append('\n');
  }

  private static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
