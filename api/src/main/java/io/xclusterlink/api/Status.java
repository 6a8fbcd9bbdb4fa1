package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Observed state of an object, written by the control plane: conditions, for peers labels, and for
 * a {@link VpcNatTunnel} its gateways ({@code tunnel}, null for every other kind).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Status(List<Condition> conditions, Map<String, String> labels, TunnelStatus tunnel) {
  public static final Status EMPTY = new Status(List.of(), Map.of());

  public Status {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public Status(List<Condition> conditions, Map<String, String> labels) {
    this(conditions, labels, null);
  }

  /** Whether there is nothing to show: no condition, no label, no tunnel state. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmpty() {
    return conditions.isEmpty() && labels.isEmpty() && tunnel == null;
  }

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
  }

  /**
   * Returns a status with the given condition set; the transition time is kept when the status
   * value does not change, so that it says when the condition last flipped.
   */
  public Status withCondition(String type, boolean value, String reason, String message) {
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
    next.add(new Condition(type, s, reason, message, time));
    return new Status(next, labels, tunnel);
  }

  public Status withLabels(Map<String, String> newLabels) {
    return new Status(conditions, newLabels, tunnel);
  }

  public Status withTunnel(TunnelStatus newTunnel) {
    return new Status(conditions, labels, newTunnel);
  }
}
