package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The observed state of a {@link VpcNatTunnel}, beside its conditions: what each node's agent
 * reports (whether its part is programmed), the gateways on each side as the agents that choose
 * among them judge them, each one's share of the resilient group's buckets, and when membership
 * last changed. Every agent reports its own part; {@link #merge} folds a report into what is
 * stored, so that agents writing at the same time do not erase each other.
 *
 * @param nodes each reporting node's state, by node name
 * @param localGateways this VPC's gateways as the router's agent judges them
 * @param remoteGateways the remote VPC's gateways as each local gateway's agent judges them (one
 *     entry per gateway and reporting node)
 * @param lastFailoverTime when a gateway last left or rejoined a group (RFC 3339), or null
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TunnelStatus(
    List<NodeState> nodes,
    List<GatewayState> localGateways,
    List<GatewayState> remoteGateways,
    String lastFailoverTime) {
  public TunnelStatus {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    localGateways = localGateways == null ? List.of() : List.copyOf(localGateways);
    remoteGateways = remoteGateways == null ? List.of() : List.copyOf(remoteGateways);
  }

  /**
   * One node's part: {@code ready} when its kernel state is in place; else the reason (e.g. {@code
   * KernelModuleMissing}, {@code WaitingForGateways}) and a message.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NodeState(String node, boolean ready, String reason, String message, String time) {}

  /**
   * One gateway: its name, {@code Up} or {@code Down}, its buckets out of the group's, and which
   * node's agent judged it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GatewayState(String name, String health, Integer buckets, String reportedBy) {}

  /**
   * {@code stored} with {@code report} folded in: the report's nodes replace theirs (by node), its
   * gateways replace those judged by the same node, the later failover time wins.
   */
  public static TunnelStatus merge(TunnelStatus stored, TunnelStatus report) {
    if (stored == null) {
      return report;
    }
    if (report == null) {
      return stored;
    }
    List<NodeState> nodes = new ArrayList<>();
    for (NodeState n : stored.nodes) {
      if (report.nodes.stream().noneMatch(r -> r.node().equals(n.node()))) {
        nodes.add(n);
      }
    }
    nodes.addAll(report.nodes);
    nodes.sort(java.util.Comparator.comparing(NodeState::node));
    String last = stored.lastFailoverTime;
    if (report.lastFailoverTime != null
        && (last == null || report.lastFailoverTime.compareTo(last) > 0)) {
      last = report.lastFailoverTime;
    }
    return new TunnelStatus(
        nodes,
        gateways(stored.localGateways, report.localGateways),
        gateways(stored.remoteGateways, report.remoteGateways),
        last);
  }

  private static List<GatewayState> gateways(List<GatewayState> stored, List<GatewayState> report) {
    List<GatewayState> out = new ArrayList<>();
    for (GatewayState g : stored) {
      if (report.stream().noneMatch(r -> Objects.equals(r.reportedBy(), g.reportedBy()))) {
        out.add(g);
      }
    }
    out.addAll(report);
    out.sort(
        java.util.Comparator.comparing((GatewayState g) -> String.valueOf(g.reportedBy()))
            .thenComparing(GatewayState::name));
    return out;
  }

  /**
   * The status of a tunnel after an agent's report: tunnel state merged, and the {@value
   * Condition#TUNNEL_READY} condition derived from every reporting node — True when all are ready,
   * else False with the first not-ready node's reason and message.
   */
  public static Status report(Status stored, TunnelStatus report) {
    TunnelStatus merged = merge(stored.tunnel(), report);
    NodeState notReady = merged.nodes().stream().filter(n -> !n.ready()).findFirst().orElse(null);
    Status s = stored.withTunnel(merged);
    if (merged.nodes().isEmpty()) {
      return s;
    }
    return notReady == null
        ? s.withCondition(
            Condition.TUNNEL_READY,
            true,
            "Programmed",
            merged.nodes().size() + " node(s) programmed")
        : s.withCondition(
            Condition.TUNNEL_READY,
            false,
            notReady.reason(),
            notReady.node() + ": " + notReady.message());
  }
}
