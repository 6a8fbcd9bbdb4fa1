package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The spec shared by AccessPolicy and PrivilegedAccessPolicy: an action and two selector lists. */
public record PolicySpec(
    String action, List<WorkloadSelectorTerm> from, List<WorkloadSelectorTerm> to) {
  public static final String ALLOW = "allow";
  public static final String DENY = "deny";

  public PolicySpec {
    from = from == null ? List.of() : List.copyOf(from);
    to = to == null ? List.of() : List.copyOf(to);
  }

  /** One entry of {@code from} or {@code to}. */
  public record WorkloadSelectorTerm(LabelSelector workloadSelector) {}

  /** A Kubernetes label selector over attributes; an empty one matches everything. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    public LabelSelector {
      matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
      matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }
  }

  /** {@code key operator values}; operator is In, NotIn, Exists or DoesNotExist. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Requirement(String key, String operator, List<String> values) {
    public Requirement {
      values = values == null ? List.of() : List.copyOf(values);
    }
  }
}
