package io.xclusterlink.api;

import io.xclusterlink.api.schema.Constraints;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One L3 agent's metrics snapshot: the node's tunnel device counters as the kernel keeps them; each
 * chosen-among gateway's health, share of the group's buckets and the packets the node sent through
 * it; how often membership changed; and the time from a health decision to the kernel's ack. The
 * agent renders it on its own metrics socket and pushes it, as JSON, to its gateway ({@code PUT
 * /v1/agents/{node}/metrics}), which keeps the latest one per node in memory and renders them all
 * on its {@code /metrics}; both render with {@link AgentMetricsText}.
 *
 * <p>Why JSON rather than Prometheus text: the gateway checks every name and number ({@link
 * #validate}) and writes the text itself, so an agent cannot inject a metric family, a second HELP
 * line or an unescaped label into the gateway's exposition.
 *
 * @param node the agent's node name (a DNS name, as every object name)
 * @param tunnel the served VpcNatTunnel's {@code namespace/name}, or null when none is served
 * @param devices the counters of the node's owned devices ({@code xclvx<vni>}), by device name
 * @param gateways each gateway the node chooses among, by name
 * @param membershipChanges health changes that changed the group's membership
 * @param appliedCount how many of those the kernel acknowledged
 * @param appliedSecondsSum their detection-to-applied times, summed
 * @param appliedSecondsMax the longest of them
 * @param tunnelRestarts times the tunnel read from the objects changed and was applied
 */
public record AgentMetrics(
    String node,
    String tunnel,
    Map<String, DeviceCounters> devices,
    Map<String, GatewayShare> gateways,
    long membershipChanges,
    long appliedCount,
    double appliedSecondsSum,
    double appliedSecondsMax,
    long tunnelRestarts) {
  /** Devices per snapshot: an agent owns one per tunnel it serves, one today. */
  public static final int MAX_DEVICES = 64;

  /** Gateways per snapshot: a resilient group has at most this many members. */
  public static final int MAX_GATEWAYS = 256;

  private static final Pattern NAME = Pattern.compile(Constraints.NAME_PATTERN);
  // IFNAMSIZ is 16 with the terminating NUL; no '/', ':' or white space (dev_valid_name)
  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  public AgentMetrics {
    devices = devices == null ? Map.of() : Map.copyOf(devices);
    gateways = gateways == null ? Map.of() : Map.copyOf(gateways);
  }

  /** The kernel's counters of one device (IFLA_STATS64). */
  public record DeviceCounters(long rxPackets, long txPackets, long rxBytes, long txBytes) {}

  /**
   * One gateway as the node judges it: up or not, its buckets out of the group's, and the packets
   * this node sent through it since its group was last replaced (the kernel's nexthop group
   * statistics; null where the kernel keeps none, before Linux 6.7).
   */
  public record GatewayShare(boolean up, int buckets, Long packets) {
    /** Without packet counts. */
    public GatewayShare(boolean up, int buckets) {
      this(up, buckets, null);
    }
  }

  /** This snapshot in the Prometheus text format, for the agent's own metrics socket. */
  public String render() {
    return AgentMetricsText.render(java.util.List.of(this));
  }

  /**
   * Checks what a gateway is about to render: names are DNS names (devices: Linux interface names),
   * counters not negative, times finite and not negative, and at most {@value #MAX_DEVICES} devices
   * and {@value #MAX_GATEWAYS} gateways.
   *
   * @throws InvalidObjectException naming the field, the value and the expectation
   */
  public AgentMetrics validate() {
    name("node", node);
    if (tunnel != null) {
      int slash = tunnel.indexOf('/');
      if (slash < 0) {
        throw fail("tunnel", tunnel, "namespace/name of a VpcNatTunnel, or absent");
      }
      name("tunnel namespace", tunnel.substring(0, slash));
      name("tunnel name", tunnel.substring(slash + 1));
    }
    if (devices.size() > MAX_DEVICES) {
      throw fail("devices", devices.size() + " entries", "at most " + MAX_DEVICES);
    }
    if (gateways.size() > MAX_GATEWAYS) {
      throw fail("gateways", gateways.size() + " entries", "at most " + MAX_GATEWAYS);
    }
    devices.forEach(
        (dev, c) -> {
          if (!DEVICE.matcher(dev).matches()) {
            throw fail("devices", dev, "a Linux interface name, 1-15 of [A-Za-z0-9_.-]");
          }
          if (c == null) {
            throw fail("devices." + dev, "null", "rxPackets, txPackets, rxBytes, txBytes");
          }
          count("devices." + dev + ".rxPackets", c.rxPackets());
          count("devices." + dev + ".txPackets", c.txPackets());
          count("devices." + dev + ".rxBytes", c.rxBytes());
          count("devices." + dev + ".txBytes", c.txBytes());
        });
    gateways.forEach(
        (gw, s) -> {
          name("gateways", gw);
          if (s == null) {
            throw fail("gateways." + gw, "null", "up, buckets, packets (optional)");
          }
          count("gateways." + gw + ".buckets", s.buckets());
          if (s.packets() != null) {
            count("gateways." + gw + ".packets", s.packets());
          }
        });
    count("membershipChanges", membershipChanges);
    count("appliedCount", appliedCount);
    seconds("appliedSecondsSum", appliedSecondsSum);
    seconds("appliedSecondsMax", appliedSecondsMax);
    count("tunnelRestarts", tunnelRestarts);
    return this;
  }

  private static void name(String field, String value) {
    if (value == null
        || value.length() > Constraints.NAME_MAX_LENGTH
        || !NAME.matcher(value).matches()) {
      throw fail(
          field,
          value == null ? "missing" : "'" + value + "'",
          "a DNS name of at most "
              + Constraints.NAME_MAX_LENGTH
              + " characters, "
              + Constraints.NAME_PATTERN);
    }
  }

  private static void count(String field, long value) {
    if (value < 0) {
      throw fail(field, Long.toString(value), "a count, 0 or more");
    }
  }

  private static void seconds(String field, double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw fail(field, Double.toString(value), "seconds, finite and 0 or more");
    }
  }

  private static InvalidObjectException fail(String field, String value, String expected) {
    return new InvalidObjectException(
        "agent metrics: " + field + ": " + value + " (expected: " + expected + ")");
  }
}
