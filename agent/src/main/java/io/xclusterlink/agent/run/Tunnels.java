package io.xclusterlink.agent.run;

import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.LocalGateway;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Tunnel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Which gateways a node chooses among, where it probes them, and the tunnel with their health. */
final class Tunnels {
  private Tunnels() {}

  /**
   * The gateways {@code node} chooses among, by name, with the address it probes each on: a router
   * probes its VPC's gateways on the transit segment, a gateway probes the remote gateways on their
   * overlay addresses, through the VXLAN device (the path its traffic takes).
   */
  static Map<String, Ipv4> probeTargets(Node node, Tunnel tunnel) {
    return chosenAmong(node, tunnel, LocalGateway::transit);
  }

  /**
   * The overlay address of each gateway {@code node} chooses among, which names it in down hints:
   * the router and the remote gateways probe it on different addresses, but agree on this one.
   */
  static Map<String, Ipv4> overlays(Node node, Tunnel tunnel) {
    return chosenAmong(node, tunnel, LocalGateway::overlay);
  }

  /**
   * The gateways {@code node} chooses among, by name: a router's local gateways at the address
   * {@code local} gives, a gateway's remote gateways at their overlay address.
   */
  private static Map<String, Ipv4> chosenAmong(
      Node node, Tunnel tunnel, Function<LocalGateway, Ipv4> local) {
    Map<String, Ipv4> out = new LinkedHashMap<>();
    if (node instanceof Node.VpcRouter) {
      tunnel.localGateways().forEach(g -> out.put(g.name(), local.apply(g)));
    } else {
      tunnel.remoteGateways().forEach(g -> out.put(g.name(), g.overlay()));
    }
    return out;
  }

  /** {@code tunnel} with the chosen-among gateways' health taken from {@code health}. */
  static Tunnel withHealth(Node node, Tunnel tunnel, Map<String, Health> health) {
    boolean router = node instanceof Node.VpcRouter;
    return new Tunnel(
        tunnel.vxlan(),
        tunnel.transitDevice(),
        tunnel.routerTransit(),
        tunnel.localPrefixes(),
        tunnel.remotePrefixes(),
        tunnel.localGateways().stream()
            .map(g -> router ? g.withHealth(health.getOrDefault(g.name(), g.health())) : g)
            .toList(),
        tunnel.remoteGateways().stream()
            .map(g -> router ? g : g.withHealth(health.getOrDefault(g.name(), g.health())))
            .toList(),
        tunnel.overlap());
  }

  /** The gateway {@code node} is, among the tunnel's local gateways. */
  static LocalGateway self(Node.Gateway node, Tunnel tunnel) {
    return tunnel.localGateways().stream()
        .filter(g -> g.name().equals(node.name()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "node: " + node.name() + " (expected: a local gateway)"));
  }

  static String names(Map<String, Health> health) {
    StringBuilder sb = new StringBuilder();
    health.forEach(
        (g, h) -> sb.append(sb.length() == 0 ? "" : " ").append(g).append('=').append(h));
    return sb.toString();
  }
}
