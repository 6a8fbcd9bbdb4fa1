package io.xclusterlink.agent.plan;

import java.util.Collection;
import java.util.TreeSet;

/**
 * The multipath hash seed of a node, derived so that every node choosing among the same gateways
 * computes the same seed without anyone configuring it (trap 2: the kernel's default is a random
 * seed per boot, and paths become asymmetric).
 *
 * <p>Derivation: {@code FNV-1a("xcl-seed/<vni>" + "\n<prefix>" for each prefix, sorted)}, as an
 * unsigned 32-bit number; 0 (which would mean "random" to the kernel) becomes 1. The prefixes are
 * the chosen-among side's VPC as the other side addresses it: a VPC router chooses among its own
 * gateways and uses its local prefixes (their global ranges when translated), a gateway chooses
 * among the remote gateways and uses the remote prefixes. So the router of cluster A and every
 * gateway of cluster B share a seed, B's router and A's gateways share another — and, unlike a seed
 * derived from the gateways' names, it stays the same when a gateway is added or withdrawn, which
 * would otherwise re-hash every active flow of the tunnel.
 */
public final class HashSeed {
  private HashSeed() {}

  /** The seed for nodes choosing among the gateways of the VPC seen as {@code prefixes}. */
  public static long of(int vni, Collection<Ipv4Prefix> prefixes) {
    StringBuilder text = new StringBuilder("xcl-seed/").append(vni);
    for (String p : new TreeSet<>(prefixes.stream().map(Ipv4Prefix::toString).toList())) {
      text.append('\n').append(p);
    }
    long seed = Fnv1a.hash(text.toString()) & 0xffff_ffffL;
    return seed == 0 ? 1 : seed;
  }

  /**
   * The seed of {@code node}: that of the gateways it chooses among (a router: its own VPC's, as
   * the other side addresses it; a gateway: the remote VPC's).
   */
  public static long of(Node node, Tunnel tunnel) {
    return node instanceof Node.VpcRouter ? localSide(tunnel) : remoteSide(tunnel);
  }

  /**
   * The seed of the nodes choosing the other way through the same tunnel: for the router of VPC A
   * and B's gateways, that of B's router and A's gateways, and the other way round.
   */
  public static long ofOtherWay(Node node, Tunnel tunnel) {
    return node instanceof Node.VpcRouter ? remoteSide(tunnel) : localSide(tunnel);
  }

  private static long localSide(Tunnel tunnel) {
    return of(tunnel.vxlan().vni(), seenAs(tunnel.localPrefixes(), tunnel.overlap()));
  }

  private static long remoteSide(Tunnel tunnel) {
    return of(tunnel.vxlan().vni(), tunnel.remotePrefixes());
  }

  /** {@code local} as the other side addresses it: each prefix's global range when translated. */
  public static java.util.List<Ipv4Prefix> seenAs(java.util.List<Ipv4Prefix> local, Overlap o) {
    if (!(o instanceof Overlap.Translated t)) {
      return local;
    }
    return local.stream()
        .map(
            p ->
                t.translations().stream()
                    .filter(x -> x.local().equals(p))
                    .map(Overlap.Translation::global)
                    .findFirst()
                    .orElse(p))
        .toList();
  }
}
