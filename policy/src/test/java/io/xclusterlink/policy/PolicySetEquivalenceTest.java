package io.xclusterlink.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.PolicyAction;
import io.xclusterlink.api.PolicySpec;
import io.xclusterlink.api.PolicySpec.LabelSelector;
import io.xclusterlink.api.PolicySpec.Requirement;
import io.xclusterlink.api.PolicySpec.WorkloadSelectorTerm;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.SelectorOperator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Checks the indexed {@link PolicySet} against a brute-force linear evaluation written
 * independently from the spec (no {@link Selector}), over random policies and connections.
 */
class PolicySetEquivalenceTest {
  private static final String[] NAMESPACES = {"ns0", "ns1", "ns2", "ns3", "ns4"};

  /** Attribute keys and their value vocabularies, per side. */
  private static final Map<String, String[]> FROM_VOCAB = new TreeMap<>();

  private static final Map<String, String[]> TO_VOCAB = new TreeMap<>();

  static {
    FROM_VOCAB.put(AttributeKeys.PEER_NAME, values("p", 12));
    FROM_VOCAB.put(
        AttributeKeys.PEER_LABEL_PREFIX + "env", new String[] {"prod", "dev", "staging"});
    FROM_VOCAB.put(AttributeKeys.PEER_LABEL_PREFIX + "zone", values("z", 3));
    FROM_VOCAB.put(AttributeKeys.CLIENT_NAMESPACE, NAMESPACES);
    FROM_VOCAB.put(AttributeKeys.CLIENT_SERVICE_ACCOUNT, values("sa", 4));
    FROM_VOCAB.put(AttributeKeys.CLIENT_LABEL_PREFIX + "app", values("app", 5));
    TO_VOCAB.put(AttributeKeys.PEER_NAME, values("p", 12));
    TO_VOCAB.put(AttributeKeys.EXPORT_NAME, values("e", 20));
    TO_VOCAB.put(AttributeKeys.EXPORT_NAMESPACE, NAMESPACES);
    TO_VOCAB.put(AttributeKeys.EXPORT_LABEL_PREFIX + "tier", values("t", 4));
  }

  @Test
  void indexedDecisionEqualsLinearScanOverRandomPolicies() {
    Random rnd = new Random(20240611L);
    Map<String, Integer> outcomes = new TreeMap<>();
    // Several sizes so that every tier gets to decide: with many broad policies the first tiers
    // decide almost everything, with few the later tiers and the default deny get their turn.
    int[][] shapes = {{3000, 200}, {3000, 5}, {600, 40}, {100, 3}, {20, 2}};
    int compared = 0;
    for (int[] shape : shapes) {
      List<AccessPolicy> regular = new ArrayList<>();
      for (int i = 0; i < shape[0]; i++) {
        String ns = NAMESPACES[rnd.nextInt(NAMESPACES.length)];
        regular.add(
            new AccessPolicy(ObjectMeta.of(name(rnd, "r"), ns), spec(rnd, rnd.nextInt(3)), null));
      }
      List<PrivilegedAccessPolicy> privileged = new ArrayList<>();
      for (int i = 0; i < shape[1]; i++) {
        // Privileged policies are narrower, or they would decide every connection.
        privileged.add(
            new PrivilegedAccessPolicy(ObjectMeta.of(name(rnd, "v"), null), spec(rnd, 2), null));
      }
      PolicySet set = PolicySet.of(regular, privileged);
      assertThat(set.size()).isEqualTo(shape[0] + shape[1]);
      for (int q = 0; q < 2000; q++) {
        String ns = namespace(rnd);
        Map<String, String> from = attributes(rnd, FROM_VOCAB);
        Map<String, String> to = attributes(rnd, TO_VOCAB);
        Decision expected = linear(regular, privileged, ns, from, to);
        Decision actual = set.decide(ns, from, to);
        assertThat(actual).as("namespace %s, from %s, to %s", ns, from, to).isEqualTo(expected);
        outcomes.merge(outcome(expected), 1, Integer::sum);
        compared++;
      }
    }
    assertThat(compared).isEqualTo(10_000);
    // The comparison means something only if every kind of outcome occurred often enough.
    assertThat(outcomes.keySet())
        .containsExactlyInAnyOrder(
            "allow PrivilegedAccessPolicy",
            "deny PrivilegedAccessPolicy",
            "allow AccessPolicy",
            "deny AccessPolicy",
            "default deny");
    assertThat(outcomes.values())
        .as("outcomes %s", outcomes)
        .allSatisfy(n -> assertThat(n).isGreaterThan(100));
  }

  // ---- the reference: a linear scan straight from the spec ------------------------------------

  private static Decision linear(
      List<AccessPolicy> regular,
      List<PrivilegedAccessPolicy> privileged,
      String ns,
      Map<String, String> from,
      Map<String, String> to) {
    List<PrivilegedAccessPolicy> priv = sortedByName(privileged, p -> p.metadata().name());
    for (PolicyAction action : List.of(PolicyAction.DENY, PolicyAction.ALLOW)) {
      for (PrivilegedAccessPolicy p : priv) {
        if (p.spec().action() == action && matches(p.spec(), from, to)) {
          return decision(action, "PrivilegedAccessPolicy " + p.metadata().name());
        }
      }
    }
    List<AccessPolicy> inNs = new ArrayList<>();
    for (AccessPolicy p : regular) {
      if (p.metadata().namespace().equals(ns)) {
        inNs.add(p);
      }
    }
    inNs = sortedByName(inNs, p -> p.metadata().name());
    for (PolicyAction action : List.of(PolicyAction.DENY, PolicyAction.ALLOW)) {
      for (AccessPolicy p : inNs) {
        if (p.spec().action() == action && matches(p.spec(), from, to)) {
          return decision(action, "AccessPolicy " + ns + "/" + p.metadata().name());
        }
      }
    }
    return new Decision.Deny(null, "no policy allows it (default deny)");
  }

  private static <T> List<T> sortedByName(List<T> list, Function<T, String> name) {
    List<T> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparing(name));
    return sorted;
  }

  private static Decision decision(PolicyAction action, String policy) {
    return action == PolicyAction.DENY
        ? new Decision.Deny(policy, "denied by " + policy)
        : new Decision.Allow(policy);
  }

  private static boolean matches(
      PolicySpec spec, Map<String, String> from, Map<String, String> to) {
    return spec.from().stream().anyMatch(t -> matches(t.workloadSelector(), from))
        && spec.to().stream().anyMatch(t -> matches(t.workloadSelector(), to));
  }

  private static boolean matches(LabelSelector s, Map<String, String> a) {
    for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
      if (!e.getValue().equals(a.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : s.matchExpressions()) {
      boolean present = a.containsKey(r.key());
      boolean listed = present && r.values().contains(a.get(r.key()));
      boolean ok;
      switch (r.operator()) {
        case IN:
          ok = listed;
          break;
        case NOT_IN:
          ok = !listed;
          break;
        case EXISTS:
          ok = present;
          break;
        case DOES_NOT_EXIST:
          ok = !present;
          break;
        default:
          throw new AssertionError(r.operator());
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String outcome(Decision d) {
    if (d instanceof Decision.Deny deny && deny.policy() == null) {
      return "default deny";
    }
    String policy = d instanceof Decision.Allow a ? a.policy() : ((Decision.Deny) d).policy();
    return (d.allowed() ? "allow " : "deny ") + policy.substring(0, policy.indexOf(' '));
  }

  // ---- random generation -----------------------------------------------------------------------

  private static String[] values(String prefix, int n) {
    String[] v = new String[n];
    for (int i = 0; i < n; i++) {
      v[i] = prefix + i;
    }
    return v;
  }

  private static String name(Random rnd, String prefix) {
    // A narrow range, so that names sometimes repeat within a tier.
    return prefix + rnd.nextInt(5000);
  }

  private static String namespace(Random rnd) {
    int r = rnd.nextInt(100);
    if (r < 3) {
      return null;
    }
    if (r < 8) {
      return "elsewhere";
    }
    return NAMESPACES[rnd.nextInt(NAMESPACES.length)];
  }

  private static Map<String, String> attributes(Random rnd, Map<String, String[]> vocab) {
    Map<String, String> a = new HashMap<>();
    for (Map.Entry<String, String[]> e : vocab.entrySet()) {
      boolean name =
          e.getKey().equals(AttributeKeys.PEER_NAME)
              || e.getKey().equals(AttributeKeys.EXPORT_NAME);
      if (name || rnd.nextInt(100) < 70) {
        a.put(e.getKey(), pick(rnd, e.getValue()));
      }
    }
    if (rnd.nextInt(10) == 0) {
      a.put("unrelated", "x");
    }
    return a;
  }

  private static String pick(Random rnd, String[] values) {
    // Now and then a value outside the vocabulary.
    return rnd.nextInt(30) == 0 ? "other" : values[rnd.nextInt(values.length)];
  }

  /** A random spec; {@code narrowness} 0 allows empty selectors, higher means more constraints. */
  private static PolicySpec spec(Random rnd, int narrowness) {
    PolicyAction action = rnd.nextBoolean() ? PolicyAction.ALLOW : PolicyAction.DENY;
    return new PolicySpec(
        action, terms(rnd, FROM_VOCAB, narrowness), terms(rnd, TO_VOCAB, narrowness));
  }

  private static List<WorkloadSelectorTerm> terms(
      Random rnd, Map<String, String[]> vocab, int narrowness) {
    int n = 1 + (rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0);
    List<WorkloadSelectorTerm> terms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      terms.add(new WorkloadSelectorTerm(selector(rnd, vocab, narrowness)));
    }
    return terms;
  }

  private static LabelSelector selector(Random rnd, Map<String, String[]> vocab, int narrowness) {
    if (narrowness == 0 && rnd.nextInt(6) == 0) {
      return new LabelSelector(Map.of(), List.of());
    }
    List<String> keys = new ArrayList<>(vocab.keySet());
    Map<String, String> labels = new HashMap<>();
    List<Requirement> exprs = new ArrayList<>();
    int constraints = Math.max(1, narrowness) + rnd.nextInt(2);
    for (int i = 0; i < constraints; i++) {
      String key = rnd.nextInt(12) == 0 ? "unrelated" : keys.get(rnd.nextInt(keys.size()));
      String[] vals = vocab.getOrDefault(key, new String[] {"x", "y"});
      int op = rnd.nextInt(100);
      if (op < 45) {
        labels.put(key, pick(rnd, vals));
      } else if (op < 70) {
        exprs.add(new Requirement(key, SelectorOperator.IN, pickSome(rnd, vals)));
      } else if (op < 82) {
        exprs.add(new Requirement(key, SelectorOperator.NOT_IN, pickSome(rnd, vals)));
      } else if (op < 91) {
        exprs.add(new Requirement(key, SelectorOperator.EXISTS, List.of()));
      } else {
        exprs.add(new Requirement(key, SelectorOperator.DOES_NOT_EXIST, List.of()));
      }
    }
    return new LabelSelector(labels, exprs);
  }

  private static List<String> pickSome(Random rnd, String[] vals) {
    int n = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(Math.min(3, vals.length)) : 0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pick(rnd, vals));
    }
    return out;
  }
}
