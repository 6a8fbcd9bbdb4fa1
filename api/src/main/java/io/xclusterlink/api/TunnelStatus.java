package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The observed state of a {@link VpcNatTunnel}, beside its conditions: the gateways on each side as
 * the agents that choose among them judge them, each one's share of the resilient group's buckets,
 * and when membership last changed. Written by the agents (the router's agent reports the local
 * gateways, each gateway's agent the remote ones as it sees them).
 *
 * @param lastFailoverTime when a gateway last left or rejoined a group (RFC 3339), or null
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TunnelStatus(
    List<GatewayState> localGateways, List<GatewayState> remoteGateways, String lastFailoverTime) {
  public TunnelStatus {
    localGateways = localGateways == null ? List.of() : List.copyOf(localGateways);
    remoteGateways = remoteGateways == null ? List.of() : List.copyOf(remoteGateways);
  }

  /**
   * One gateway: its name, {@code Up} or {@code Down}, its buckets out of the group's, and which
   * node's agent judged it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GatewayState(String name, String health, Integer buckets, String reportedBy) {}
}
