package io.xclusterlink.api;

import static io.xclusterlink.api.schema.Constraints.LABEL_KEY_MAX_LENGTH;
import static io.xclusterlink.api.schema.Constraints.LABEL_KEY_PATTERN;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.xclusterlink.api.schema.MinItems;
import io.xclusterlink.api.schema.Pattern;
import io.xclusterlink.api.schema.Required;
import java.util.List;
import java.util.Map;

/** The spec shared by AccessPolicy and PrivilegedAccessPolicy: an action and two selector lists. */
public record PolicySpec(
    @Required PolicyAction action,
    @Required @MinItems(1) List<WorkloadSelectorTerm> from,
    @Required @MinItems(1) List<WorkloadSelectorTerm> to) {

  public PolicySpec {
    from = from == null ? List.of() : List.copyOf(from);
    to = to == null ? List.of() : List.copyOf(to);
  }

  /** One entry of {@code from} or {@code to}. */
  public record WorkloadSelectorTerm(@Required LabelSelector workloadSelector) {}

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
  public record Requirement(
      @Required @Pattern(value = LABEL_KEY_PATTERN, maxLength = LABEL_KEY_MAX_LENGTH) String key,
      @Required SelectorOperator operator,
      List<String> values) {
    public Requirement {
      values = values == null ? List.of() : List.copyOf(values);
    }
  }
}
