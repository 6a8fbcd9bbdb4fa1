package io.xclusterlink.agent.plan;

import java.util.Collection;
import java.util.TreeSet;

/**
 * The multipath hash seed of a node, derived so that every node choosing among the same gateways
 * computes the same seed without anyone configuring it (trap 2: the kernel's default is a random
 * seed per boot, and paths become asymmetric).
 *
 * <p>Derivation: {@code FNV-1a("xcl-seed/<vni>" + "\n<name>" for each name of the chosen-among set,
 * sorted)}, as an unsigned 32-bit number; 0 (which would mean "random" to the kernel) becomes 1.
 * The VPC router of cluster A and every gateway of cluster B choose among A's gateways and so share
 * a seed; B's router and A's gateways share another.
 */
public final class HashSeed {
  private HashSeed() {}

  /** The seed for nodes choosing among {@code gatewayNames} on the tunnel {@code vni}. */
  public static long of(int vni, Collection<String> gatewayNames) {
    StringBuilder text = new StringBuilder("xcl-seed/").append(vni);
    for (String name : new TreeSet<>(gatewayNames)) {
      text.append('\n').append(name);
    }
    long seed = Fnv1a.hash(text.toString()) & 0xffff_ffffL;
    return seed == 0 ? 1 : seed;
  }
}
