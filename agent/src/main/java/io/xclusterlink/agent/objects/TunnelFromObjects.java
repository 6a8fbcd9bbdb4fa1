package io.xclusterlink.agent.objects;

import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.Ipv4Prefix;
import io.xclusterlink.agent.plan.LocalGateway;
import io.xclusterlink.agent.plan.Overlap;
import io.xclusterlink.agent.plan.RemoteGateway;
import io.xclusterlink.agent.plan.Tunnel;
import io.xclusterlink.agent.plan.VxlanConfig;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Vpc;
import io.xclusterlink.api.VpcNatTunnel;
import io.xclusterlink.api.XclObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps the API objects onto the planner's {@link Tunnel}: pure, no I/O.
 *
 * <ul>
 *   <li>VXLAN: {@code vni}, {@code udpPort}, {@code mtu} of the VpcNatTunnel, its {@code
 *       interfaceAddr} as the overlay network, the node's underlay device;
 *   <li>local side: the Vpc's CIDRs and router transit address; the local gateways are the
 *       GatewayExIps of {@code localVpc} in the tunnel's namespace that were not learned;
 *   <li>remote side: the GatewayExIps learned from {@code remoteCluster} for {@code remoteVpc};
 *       their {@code globalNetCIDR} (overlapping VPCs) or else their {@code cidrs} are the remote
 *       prefixes;
 *   <li>a Vpc with a {@code globalNetCIDR} is translated 1:1 onto it; the global space is the
 *       smallest prefix holding both sides' global ranges, so both clusters compute the same one.
 * </ul>
 *
 * A gateway's underlay address is the first IPv4 one of its {@code externalIps}.
 */
public final class TunnelFromObjects {
  private TunnelFromObjects() {}

  /** The outcome: a tunnel to program, or why not (a condition reason and a message). */
  public sealed interface Outcome {}

  public record Ready(Tunnel tunnel) implements Outcome {}

  public record NotReady(String reason, String message) implements Outcome {}

  public static final String WAITING = "WaitingForGateways";
  public static final String VPC_MISSING = "VpcMissing";
  public static final String INVALID = "InvalidTopology";

  public static Outcome build(
      NodeIdentity self, VpcNatTunnel t, List<Vpc> vpcs, List<GatewayExIp> gateways) {
    VpcNatTunnel.Spec s = t.spec();
    String ns = t.metadata().namespace();
    Vpc vpc =
        vpcs.stream()
            .filter(v -> v.metadata().name().equals(s.localVpc()))
            .filter(v -> v.metadata().namespace().equals(ns))
            .findFirst()
            .orElse(null);
    if (vpc == null) {
      return new NotReady(VPC_MISSING, "no Vpc " + ns + "/" + s.localVpc());
    }
    if (vpc.spec().router() == null) {
      return new NotReady(
          VPC_MISSING, "Vpc " + ns + "/" + s.localVpc() + " has no spec.router.transitIp");
    }
    TreeMap<String, LocalGateway> local = new TreeMap<>();
    TreeMap<String, RemoteGateway> remote = new TreeMap<>();
    Set<String> remotePrefixes = new LinkedHashSet<>();
    Set<String> remoteGlobals = new LinkedHashSet<>();
    try {
      for (GatewayExIp g : gateways) {
        GatewayExIp.Spec gs = g.spec();
        String from = g.learnedFrom();
        if (from == null
            && s.localVpc().equals(gs.vpc())
            && g.metadata().namespace().equals(ns)
            && gs.tunnelIp() != null
            && gs.transitIp() != null) {
          local.put(
              g.nodeName(),
              new LocalGateway(
                  g.nodeName(),
                  Ipv4.parse(gs.transitIp()),
                  underlay(g),
                  Ipv4.parse(gs.tunnelIp()),
                  Health.UP));
        } else if (s.remoteCluster().equals(from)
            && s.remoteVpc().equals(gs.vpc())
            && gs.tunnelIp() != null) {
          remote.put(
              g.nodeName(),
              new RemoteGateway(g.nodeName(), underlay(g), Ipv4.parse(gs.tunnelIp()), Health.UP));
          if (gs.globalNetCIDR() != null) {
            remoteGlobals.add(gs.globalNetCIDR());
          }
          remotePrefixes.addAll(gs.cidrs());
        }
      }
    } catch (IllegalArgumentException e) {
      return new NotReady(INVALID, e.getMessage());
    }
    if (local.isEmpty()) {
      return new NotReady(WAITING, "no GatewayExIp of Vpc " + s.localVpc() + " yet");
    }
    if (!self.router() && !local.containsKey(self.name())) {
      return new NotReady(WAITING, "this node's GatewayExIp " + self.name() + " is not stored yet");
    }
    if (remote.isEmpty()) {
      return new NotReady(
          WAITING, "no GatewayExIp of " + s.remoteCluster() + "/" + s.remoteVpc() + " learned yet");
    }
    List<String> routed =
        remoteGlobals.isEmpty() ? List.copyOf(remotePrefixes) : List.copyOf(remoteGlobals);
    if (routed.isEmpty()) {
      return new NotReady(
          WAITING,
          "the GatewayExIps of " + s.remoteCluster() + "/" + s.remoteVpc() + " name no CIDRs");
    }
    try {
      List<Ipv4Prefix> remoteList = routed.stream().map(Ipv4Prefix::parse).toList();
      List<Ipv4Prefix> localList = vpc.spec().cidrs().stream().map(Ipv4Prefix::parse).toList();
      Overlap overlap = new Overlap.None();
      if (vpc.spec().globalNetCIDR() != null) {
        Ipv4Prefix global = Ipv4Prefix.parse(vpc.spec().globalNetCIDR());
        List<Ipv4Prefix> all = new ArrayList<>(remoteList);
        all.add(global);
        overlap =
            new Overlap.Translated(
                covering(all), List.of(new Overlap.Translation(localList.get(0), global)));
      }
      VxlanConfig vx =
          new VxlanConfig(
              s.vniOrDefault(),
              s.udpPortOrDefault(),
              self.underlayDevice() == null ? "none" : self.underlayDevice(),
              Ipv4Prefix.parse(s.interfaceAddr()),
              s.mtuOrDefault());
      return new Ready(
          new Tunnel(
              vx,
              self.transitDevice(),
              Ipv4.parse(vpc.spec().router().transitIp()),
              localList,
              remoteList,
              List.copyOf(local.values()),
              List.copyOf(remote.values()),
              overlap));
    } catch (IllegalArgumentException e) {
      return new NotReady(INVALID, e.getMessage());
    }
  }

  /** The smallest prefix that holds every one of {@code prefixes}. */
  static Ipv4Prefix covering(List<Ipv4Prefix> prefixes) {
    int first = prefixes.get(0).address().bits();
    int length = 32;
    for (Ipv4Prefix p : prefixes) {
      length = Math.min(length, p.length());
      int differ = first ^ p.address().bits();
      length = Math.min(length, Integer.numberOfLeadingZeros(differ));
    }
    return new Ipv4Prefix(new Ipv4(first & Ipv4Prefix.mask(length)), length);
  }

  private static Ipv4 underlay(GatewayExIp g) {
    for (String ip : g.spec().externalIps()) {
      if (!ip.contains(":")) {
        return Ipv4.parse(ip);
      }
    }
    throw new IllegalArgumentException(
        "GatewayExIp " + g.metadata().name() + ": no IPv4 address in spec.externalIps");
  }

  /** The GatewayExIp a gateway node publishes for itself, with its VPC's CIDRs and range. */
  public static GatewayExIp own(NodeIdentity self, Vpc vpc) {
    return new GatewayExIp(
        new ObjectMeta(self.name(), self.namespace(), java.util.Map.of()),
        new GatewayExIp.Spec(
            List.of(self.externalIp().toString()),
            null,
            vpc.spec().globalNetCIDR(),
            self.vpc(),
            self.name(),
            self.tunnelIp().toString(),
            self.transitIp().toString(),
            vpc.spec().cidrs()),
        null);
  }

  /** The objects of one kind, typed. */
  public static <T extends XclObject> List<T> typed(List<XclObject> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
