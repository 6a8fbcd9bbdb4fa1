package io.xclusterlink.agent.objects;

import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.Node;
import java.util.Objects;

/**
 * What only the node itself knows, from the agent's flags: its role and name, its VPC, and for a
 * gateway its own addresses, which it publishes as its GatewayExIp — the one place each address is
 * typed. Devices are the node's interface names (the same on every node of the bed).
 *
 * @param router true for the VPC router's agent, false for a gateway's
 * @param name the node's name: the gateway's name, or a name for the router in reports
 * @param namespace where the node's objects live (the tunnel, the VPC, its GatewayExIp)
 * @param vpc the local VPC this node serves
 * @param tunnel the VpcNatTunnel to serve, or null for the only one of {@code vpc}
 * @param externalIp a gateway's underlay address (null for the router)
 * @param tunnelIp a gateway's overlay address (null for the router)
 * @param transitIp a gateway's address toward the VPC router (null for the router)
 */
public record NodeIdentity(
    boolean router,
    String name,
    String namespace,
    String vpc,
    String tunnel,
    Ipv4 externalIp,
    Ipv4 tunnelIp,
    Ipv4 transitIp,
    String underlayDevice,
    String transitDevice) {
  public NodeIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(vpc, "vpc");
    Objects.requireNonNull(transitDevice, "transitDevice");
    if (!router) {
      require("--external-ip", externalIp);
      require("--tunnel-ip", tunnelIp);
      require("--transit-ip", transitIp);
      require("--underlay-device", underlayDevice);
    }
  }

  private static void require(String flag, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + ": missing (expected: a value for a gateway node)");
    }
  }

  /** The node as the planner sees it. */
  public Node node() {
    return router ? new Node.VpcRouter() : new Node.Gateway(name);
  }
}
