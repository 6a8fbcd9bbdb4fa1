package io.xclusterlink.policy;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.PolicyAction;
import io.xclusterlink.api.PolicySpec;
import io.xclusterlink.api.PolicySpec.LabelSelector;
import io.xclusterlink.api.PolicySpec.Requirement;
import io.xclusterlink.api.PolicySpec.WorkloadSelectorTerm;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.SelectorOperator;
import java.util.List;
import java.util.Map;

/** Test builders for policies and selectors. */
final class Policies {
  static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

  private Policies() {}

  static LabelSelector labels(String... keyValues) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new LabelSelector(m, List.of());
  }

  static LabelSelector expr(String key, String operator, String... values) {
    return new LabelSelector(
        Map.of(),
        List.of(
            new Requirement(
                key, operator == null ? null : SelectorOperator.parse(operator), List.of(values))));
  }

  static List<WorkloadSelectorTerm> terms(LabelSelector... selectors) {
    return java.util.Arrays.stream(selectors).map(WorkloadSelectorTerm::new).toList();
  }

  static AccessPolicy regular(
      String ns, String name, String action, LabelSelector from, LabelSelector to) {
    return regular(ns, name, action, terms(from), terms(to));
  }

  static AccessPolicy regular(
      String ns,
      String name,
      String action,
      List<WorkloadSelectorTerm> from,
      List<WorkloadSelectorTerm> to) {
    return new AccessPolicy(
        ObjectMeta.of(name, ns),
        new PolicySpec(action == null ? null : PolicyAction.parse(action), from, to),
        null);
  }

  static PrivilegedAccessPolicy privileged(
      String name, String action, LabelSelector from, LabelSelector to) {
    return privileged(name, action, terms(from), terms(to));
  }

  static PrivilegedAccessPolicy privileged(
      String name, String action, List<WorkloadSelectorTerm> from, List<WorkloadSelectorTerm> to) {
    return new PrivilegedAccessPolicy(
        ObjectMeta.of(name, null),
        new PolicySpec(action == null ? null : PolicyAction.parse(action), from, to),
        null);
  }
}
