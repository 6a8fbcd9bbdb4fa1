package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Observed state of an object, written by the control plane: conditions and, for peers, labels. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Status(List<Condition> conditions, Map<String, String> labels) {
  public static final Status EMPTY = new Status(List.of(), Map.of());

  public Status {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
  }

  /**
   * Returns a status with the given condition set; the transition time is kept when the status
   * value does not change, so that it says when the condition last flipped.
   */
  public Status withCondition(String type, boolean value, String reason, String message) {
    return withCondition(type, value, reason, message, null);
  }

  /**
   * {@link #withCondition(String, boolean, String, String)} for a condition computed from the
   * object's {@code observedGeneration} (null: not tied to one).
   */
  public Status withCondition(
      String type, boolean value, String reason, String message, Long observedGeneration) {
    String s = value ? "True" : "False";
    Optional<Condition> old = condition(type);
    String time =
        old.filter(c -> s.equals(c.status()))
            .map(Condition::lastTransitionTime)
            .orElse(Instant.now().toString());
    List<Condition> next = new ArrayList<>();
    for (Condition c : conditions) {
      if (!type.equals(c.type())) {
        next.add(c);
      }
    }
    next.add(new Condition(type, s, reason, message, time, observedGeneration));
    return new Status(next, labels);
  }

  public Status withLabels(Map<String, String> newLabels) {
    return new Status(conditions, newLabels);
  }
}
