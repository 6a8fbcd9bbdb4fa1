package io.xclusterlink.agent.plan;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nexthop ids of one tunnel's group and of its members, derived from the VNI and the gateway
 * names alone, so that a restart, a reordering of the input, or a change of health computes the
 * same ids, and every node choosing among the same gateways uses the same ids for them.
 *
 * <p>Derivation: the group's candidate is {@code FNV-1a("xcl/<vni>/group")}, a gateway's is {@code
 * FNV-1a("xcl/<vni>/gw/<name>")}, each folded into {@code [2^28, 2^31)} — away from the small ids
 * people and other tools pick by hand, and positive so that every tool prints them the same. The
 * group claims its candidate first, then gateways in name order; an id already claimed moves on to
 * the next id in the range. A collision among one tunnel's ids has a probability of about n²/2^32
 * (10⁻⁷ for 16 gateways); only then can removing a gateway from the configuration renumber another.
 * Health never does: an unhealthy gateway keeps its nexthop, only the group's membership changes.
 *
 * @param group the resilient group's id
 * @param members each gateway's nexthop id, in name order
 */
public record NexthopIds(int group, Map<String, Integer> members) {
  static final int FIRST = 1 << 28;
  static final int SPAN = Integer.MAX_VALUE - FIRST + 1;

  public NexthopIds {
    members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
  }

  /** Assigns the ids of one tunnel's group and of the gateways it chooses among. */
  public static NexthopIds assign(int vni, Collection<String> gatewayNames) {
    Set<Integer> taken = new HashSet<>();
    int group = claim(candidate("xcl/" + vni + "/group"), taken);
    Map<String, Integer> members = new LinkedHashMap<>();
    for (String name : new TreeSet<>(gatewayNames)) {
      members.put(name, claim(candidate("xcl/" + vni + "/gw/" + name), taken));
    }
    return new NexthopIds(group, members);
  }

  /** The id a key would get with nothing else claimed. */
  static int candidate(String key) {
    return FIRST + (int) Long.remainderUnsigned(Fnv1a.hash(key) & 0xffff_ffffL, SPAN);
  }

  private static int claim(int candidate, Set<Integer> taken) {
    int id = candidate;
    while (!taken.add(id)) {
      id = id == Integer.MAX_VALUE ? FIRST : id + 1;
    }
    return id;
  }
}
