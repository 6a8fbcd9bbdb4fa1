package io.xclusterlink.agent.plan;

import java.util.Objects;

/**
 * A gateway of the remote VPC, as published by its cluster.
 *
 * @param underlay where to send VXLAN packets for it
 * @param overlay its address inside the VXLAN overlay (its MAC is derived from it)
 */
public record RemoteGateway(String name, Ipv4 underlay, Ipv4 overlay, Health health) {
  public RemoteGateway {
    Names.require("remote gateway", name);
    Objects.requireNonNull(underlay, "underlay");
    Objects.requireNonNull(overlay, "overlay");
    Objects.requireNonNull(health, "health");
  }

  public RemoteGateway withHealth(Health h) {
    return new RemoteGateway(name, underlay, overlay, h);
  }
}
