package io.xclusterlink.agent.plan;

import java.util.Objects;

/**
 * A gateway of this node's VPC.
 *
 * @param transit its address on the VPC's transit segment, where the VPC router reaches it
 * @param underlay its address on the underlay, where VXLAN packets from remote gateways arrive
 * @param overlay its address inside the VXLAN overlay (its MAC is derived from it)
 */
public record LocalGateway(String name, Ipv4 transit, Ipv4 underlay, Ipv4 overlay, Health health) {
  public LocalGateway {
    Names.require("local gateway", name);
    Objects.requireNonNull(transit, "transit");
    Objects.requireNonNull(underlay, "underlay");
    Objects.requireNonNull(overlay, "overlay");
    Objects.requireNonNull(health, "health");
  }

  public LocalGateway withHealth(Health h) {
    return new LocalGateway(name, transit, underlay, overlay, h);
  }
}
