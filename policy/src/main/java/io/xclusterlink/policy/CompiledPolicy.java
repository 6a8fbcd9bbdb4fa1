package io.xclusterlink.policy;

import io.xclusterlink.api.PolicyAction;
import io.xclusterlink.api.PolicySpec;
import java.util.List;
import java.util.Map;

/** One access policy ready for evaluation: its selectors compiled and its decision built once. */
final class CompiledPolicy {
  final String name;
  final String described;
  final boolean deny;
  final Selector[] from;
  final Selector[] to;
  final Decision decision;

  private CompiledPolicy(
      String name,
      String described,
      boolean deny,
      Selector[] from,
      Selector[] to,
      Decision decision) {
    this.name = name;
    this.described = described;
    this.deny = deny;
    this.from = from;
    this.to = to;
    this.decision = decision;
  }

  /**
   * Compiles a policy.
   *
   * @param name the policy's own name, used to order policies within a tier
   * @param described how decisions name it, e.g. {@code AccessPolicy ns/name}
   * @throws IllegalArgumentException naming the policy if its spec is malformed
   */
  static CompiledPolicy compile(String name, String described, PolicySpec spec) {
    try {
      if (spec == null) {
        throw new IllegalArgumentException("spec: missing (expected: action, from, to)");
      }
      if (spec.action() == null) {
        throw new IllegalArgumentException(
            "spec.action: missing (expected one of: " + PolicyAction.texts() + ")");
      }
      boolean deny = spec.action() == PolicyAction.DENY;
      Decision decision =
          deny
              ? new Decision.Deny(described, "denied by " + described)
              : new Decision.Allow(described);
      return new CompiledPolicy(
          name,
          described,
          deny,
          selectors("spec.from", spec.from()),
          selectors("spec.to", spec.to()),
          decision);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(described + ": " + e.getMessage(), e);
    }
  }

  private static Selector[] selectors(String field, List<PolicySpec.WorkloadSelectorTerm> terms) {
    Selector[] out = new Selector[terms.size()];
    for (int i = 0; i < out.length; i++) {
      PolicySpec.WorkloadSelectorTerm t = terms.get(i);
      String f = field + "[" + i + "].workloadSelector";
      if (t == null || t.workloadSelector() == null) {
        throw new IllegalArgumentException(
            f + ": missing (expected: a label selector; {} matches everything)");
      }
      try {
        out[i] = Selector.compile(t.workloadSelector());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(f + "." + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Whether any {@code from} selector matches {@code from} and any {@code to} selector matches
   * {@code to}.
   */
  boolean matches(Map<String, String> fromAttributes, Map<String, String> toAttributes) {
    return any(from, fromAttributes) && any(to, toAttributes);
  }

  private static boolean any(Selector[] selectors, Map<String, String> attributes) {
    for (Selector s : selectors) {
      if (s.matches(attributes)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return described;
  }
}
