package io.xclusterlink.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies of one tier (e.g. the regular deny policies of one namespace), ordered by name and
 * indexed so that {@link #first} looks at few candidates yet returns exactly what a linear scan in
 * that order would.
 *
 * <p>Index: a policy matches only if some {@code from} term and some {@code to} term match. If
 * every term on one side pins an attribute (a matchLabels entry or an In expression), the policy
 * can match only when that side's attributes hold one of the pinned values for at least one term;
 * the policy is filed under each such (side, key, value). Policies with no fully pinned side are
 * "unindexed" and always evaluated. The candidates are therefore a superset of the matching
 * policies, and taking the lowest-ranked match among them equals the linear scan.
 */
final class PolicyTier {
  private static final int FROM = 0;
  private static final int TO = 1;
  private static final int[] NONE = new int[0];

  /** Ordered by name; a policy's rank is its index here. */
  private final CompiledPolicy[] policies;

  private final int[] unindexed;
  private final Bucket[] fromBuckets;
  private final Bucket[] toBuckets;

  private PolicyTier(
      CompiledPolicy[] policies, int[] unindexed, Bucket[] fromBuckets, Bucket[] toBuckets) {
    this.policies = policies;
    this.unindexed = unindexed;
    this.fromBuckets = fromBuckets;
    this.toBuckets = toBuckets;
  }

  static PolicyTier of(List<CompiledPolicy> members) {
    CompiledPolicy[] sorted = members.toArray(new CompiledPolicy[0]);
    // Stable sort: equal names keep their input order.
    Arrays.sort(
        sorted,
        Comparator.comparing(
            (CompiledPolicy p) -> p.name, Comparator.nullsFirst(Comparator.naturalOrder())));

    // How often each (side, key, value) is pinned in this tier: a rough measure of how many
    // candidates a lookup by it would return, used to choose the most selective pins.
    List<Map<String, Map<String, Integer>>> frequency = List.of(new HashMap<>(), new HashMap<>());
    for (CompiledPolicy p : sorted) {
      count(frequency.get(FROM), p.from);
      count(frequency.get(TO), p.to);
    }

    List<Map<String, Map<String, List<Integer>>>> index = List.of(new HashMap<>(), new HashMap<>());
    List<Integer> unindexed = new ArrayList<>();
    for (int rank = 0; rank < sorted.length; rank++) {
      CompiledPolicy p = sorted[rank];
      Selector.Pin[] fromPins = choosePins(frequency.get(FROM), p.from);
      Selector.Pin[] toPins = choosePins(frequency.get(TO), p.to);
      long fromCost = cost(frequency.get(FROM), fromPins);
      long toCost = cost(frequency.get(TO), toPins);
      if (fromPins == null && toPins == null) {
        unindexed.add(rank);
      } else if (toPins != null && (fromPins == null || toCost <= fromCost)) {
        file(index.get(TO), toPins, rank);
      } else {
        file(index.get(FROM), fromPins, rank);
      }
    }
    return new PolicyTier(
        sorted, toArray(unindexed), buckets(index.get(FROM)), buckets(index.get(TO)));
  }

  /** The first policy by name that matches, or null. Thread-safe; does not allocate. */
  CompiledPolicy first(Map<String, String> from, Map<String, String> to) {
    if (policies.length == 0) {
      return null;
    }
    int best = scan(unindexed, Integer.MAX_VALUE, from, to);
    best = scanBuckets(fromBuckets, from, best, from, to);
    best = scanBuckets(toBuckets, to, best, from, to);
    return best == Integer.MAX_VALUE ? null : policies[best];
  }

  private int scanBuckets(
      Bucket[] buckets,
      Map<String, String> side,
      int best,
      Map<String, String> from,
      Map<String, String> to) {
    for (Bucket b : buckets) {
      String value = side.get(b.key);
      if (value != null) {
        int[] ranks = b.byValue.get(value);
        if (ranks != null) {
          best = scan(ranks, best, from, to);
        }
      }
    }
    return best;
  }

  /**
   * The lowest rank in {@code ranks} (ascending) below {@code best} that matches, else {@code
   * best}.
   */
  private int scan(int[] ranks, int best, Map<String, String> from, Map<String, String> to) {
    for (int r : ranks) {
      if (r >= best) {
        return best;
      }
      if (policies[r].matches(from, to)) {
        return r;
      }
    }
    return best;
  }

  private static void count(Map<String, Map<String, Integer>> frequency, Selector[] terms) {
    for (Selector s : terms) {
      for (Selector.Pin pin : s.pins()) {
        Map<String, Integer> byValue = frequency.computeIfAbsent(pin.key(), k -> new HashMap<>());
        for (String v : pin.values()) {
          byValue.merge(v, 1, Integer::sum);
        }
      }
    }
  }

  /**
   * For each term its most selective pin, or null if some term pins nothing (or there are no
   * terms).
   */
  private static Selector.Pin[] choosePins(
      Map<String, Map<String, Integer>> frequency, Selector[] terms) {
    if (terms.length == 0) {
      return null;
    }
    Selector.Pin[] chosen = new Selector.Pin[terms.length];
    for (int i = 0; i < terms.length; i++) {
      long bestCost = Long.MAX_VALUE;
      for (Selector.Pin pin : terms[i].pins()) {
        long c = cost(frequency, pin);
        if (c < bestCost) {
          bestCost = c;
          chosen[i] = pin;
        }
      }
      if (chosen[i] == null) {
        return null;
      }
    }
    return chosen;
  }

  private static long cost(Map<String, Map<String, Integer>> frequency, Selector.Pin[] pins) {
    if (pins == null) {
      return Long.MAX_VALUE;
    }
    long c = 0;
    for (Selector.Pin pin : pins) {
      c += cost(frequency, pin);
    }
    return c;
  }

  private static long cost(Map<String, Map<String, Integer>> frequency, Selector.Pin pin) {
    Map<String, Integer> byValue = frequency.getOrDefault(pin.key(), Map.of());
    long c = 0;
    for (String v : pin.values()) {
      c += byValue.getOrDefault(v, 0);
    }
    return c;
  }

  private static void file(
      Map<String, Map<String, List<Integer>>> index, Selector.Pin[] pins, int rank) {
    for (Selector.Pin pin : pins) {
      Map<String, List<Integer>> byValue = index.computeIfAbsent(pin.key(), k -> new HashMap<>());
      for (String v : pin.values()) {
        List<Integer> ranks = byValue.computeIfAbsent(v, k -> new ArrayList<>());
        // Ranks arrive in ascending order; two terms may pin the same value.
        if (ranks.isEmpty() || ranks.get(ranks.size() - 1) != rank) {
          ranks.add(rank);
        }
      }
    }
  }

  private static Bucket[] buckets(Map<String, Map<String, List<Integer>>> index) {
    List<Bucket> out = new ArrayList<>();
    index.forEach(
        (key, byValue) -> {
          Map<String, int[]> compact = new HashMap<>(byValue.size() * 4 / 3 + 1);
          byValue.forEach((v, ranks) -> compact.put(v, toArray(ranks)));
          out.add(new Bucket(key, compact));
        });
    return out.toArray(new Bucket[0]);
  }

  private static int[] toArray(List<Integer> ranks) {
    if (ranks.isEmpty()) {
      return NONE;
    }
    int[] a = new int[ranks.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ranks.get(i);
    }
    return a;
  }

  /** The policies filed under each value of one attribute key, as ascending ranks. */
  private static final class Bucket {
    final String key;
    final Map<String, int[]> byValue;

    Bucket(String key, Map<String, int[]> byValue) {
      this.key = key;
      this.byValue = byValue;
    }
  }
}
