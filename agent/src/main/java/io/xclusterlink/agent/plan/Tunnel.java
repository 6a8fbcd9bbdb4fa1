package io.xclusterlink.agent.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One VPC tunnel as this cluster sees it: everything the planner needs, independent of any API
 * object (a later slice maps VpcNatTunnel and GatewayExIp onto it).
 *
 * @param transitDevice the interface on the VPC's transit segment, on the router and the gateways
 * @param routerTransit the VPC router's address on the transit segment (the gateways' way back in)
 * @param localPrefixes this VPC's CIDRs (real addresses, also under translation)
 * @param remotePrefixes the remote VPC's CIDRs as addressed from here (its global prefixes under
 *     translation)
 */
public record Tunnel(
    VxlanConfig vxlan,
    String transitDevice,
    Ipv4 routerTransit,
    List<Ipv4Prefix> localPrefixes,
    List<Ipv4Prefix> remotePrefixes,
    List<LocalGateway> localGateways,
    List<RemoteGateway> remoteGateways,
    Overlap overlap) {

  public Tunnel {
    Objects.requireNonNull(vxlan, "vxlan");
    Devices.require("transitDevice", transitDevice);
    Objects.requireNonNull(routerTransit, "routerTransit");
    localPrefixes = List.copyOf(localPrefixes);
    remotePrefixes = List.copyOf(remotePrefixes);
    localGateways = List.copyOf(localGateways);
    remoteGateways = List.copyOf(remoteGateways);
    Objects.requireNonNull(overlap, "overlap");
    if (localGateways.isEmpty()) {
      throw new IllegalArgumentException("localGateways: [] (expected: at least one gateway)");
    }
    if (remoteGateways.isEmpty()) {
      throw new IllegalArgumentException("remoteGateways: [] (expected: at least one gateway)");
    }
    unique("localPrefixes", localPrefixes, Ipv4Prefix::toString);
    unique("remotePrefixes", remotePrefixes, Ipv4Prefix::toString);
    for (Ipv4Prefix remote : remotePrefixes) {
      for (Ipv4Prefix local : localPrefixes) {
        if (remote.overlaps(local)) {
          throw new IllegalArgumentException(
              "remotePrefixes: "
                  + remote
                  + " overlaps local "
                  + local
                  + " (expected: disjoint; for overlapping VPCs use Overlap.Translated and the remote's global prefixes)");
        }
      }
    }
    unique("localGateways", localGateways, LocalGateway::name);
    unique("remoteGateways", remoteGateways, RemoteGateway::name);
    for (LocalGateway g : localGateways) {
      requireOverlay("local gateway " + g.name(), g.overlay(), vxlan.overlayNetwork());
    }
    for (RemoteGateway g : remoteGateways) {
      requireOverlay("remote gateway " + g.name(), g.overlay(), vxlan.overlayNetwork());
    }
    if (overlap instanceof Overlap.Translated t) {
      for (Overlap.Translation tr : t.translations()) {
        if (!localPrefixes.contains(tr.local())) {
          throw new IllegalArgumentException(
              "translation "
                  + tr
                  + ": local "
                  + tr.local()
                  + " (expected: one of localPrefixes "
                  + localPrefixes
                  + ")");
        }
      }
    }
  }

  private static <T> void unique(String field, List<T> items, Function<T, String> name) {
    Set<String> seen = new HashSet<>();
    for (T item : items) {
      if (!seen.add(name.apply(item))) {
        throw new IllegalArgumentException(
            field + ": " + name.apply(item) + " twice (expected: unique)");
      }
    }
  }

  private static void requireOverlay(String who, Ipv4 overlay, Ipv4Prefix network) {
    if (!network.contains(overlay)) {
      throw new IllegalArgumentException(
          who + ": overlay " + overlay + " (expected: inside " + network + ")");
    }
  }
}
