package io.xclusterlink.agent.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random two-cluster topologies for the property and equivalence tests: 1-8 gateways per side,
 * random health, 1-3 random prefixes per VPC, overlap on or off.
 */
final class RandomTopologies {
  private RandomTopologies() {}

  /** Cluster A's view of a random tunnel to cluster B (B's view is {@link TwoClusters#forB}). */
  static TwoClusters random(Random rnd) {
    int vni = 1 + rnd.nextInt(0xff_fffe);
    int a = 1 + rnd.nextInt(8);
    int b = 1 + rnd.nextInt(8);
    boolean overlap = rnd.nextBoolean();
    List<Ipv4Prefix> aPrefixes = prefixes(rnd, 10);
    List<Ipv4Prefix> bPrefixes = overlap ? aPrefixes : prefixes(rnd, 11);
    return new TwoClusters(
        vni,
        names(rnd, "a", a),
        names(rnd, "b", b),
        healths(rnd, a),
        healths(rnd, b),
        aPrefixes,
        bPrefixes,
        overlap);
  }

  private static List<String> names(Random rnd, String side, int n) {
    Set<String> names = new LinkedHashSet<>();
    while (names.size() < n) {
      names.add(side + "-gw" + rnd.nextInt(100));
    }
    List<String> out = new ArrayList<>(names);
    Collections.shuffle(out, rnd);
    return out;
  }

  private static List<Health> healths(Random rnd, int n) {
    List<Health> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(rnd.nextInt(4) == 0 ? Health.DOWN : Health.UP);
    }
    return out;
  }

  /** Disjoint /16../24 prefixes inside firstOctet.0.0.0/8. */
  private static List<Ipv4Prefix> prefixes(Random rnd, int firstOctet) {
    List<Ipv4Prefix> out = new ArrayList<>();
    int n = 1 + rnd.nextInt(3);
    while (out.size() < n) {
      int len = 16 + rnd.nextInt(9);
      int bits = (firstOctet << 24 | rnd.nextInt(1 << 24)) & Ipv4Prefix.mask(len);
      Ipv4Prefix p = new Ipv4Prefix(new Ipv4(bits), len);
      if (out.stream().noneMatch(p::overlaps)) {
        out.add(p);
      }
    }
    return out;
  }
}
