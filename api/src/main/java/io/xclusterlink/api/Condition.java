package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A status condition in the Kubernetes style: type, "True"/"False", a reason and a message. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    String type,
    String status,
    String reason,
    String message,
    String lastTransitionTime,
    Long observedGeneration) {
  public Condition(
      String type, String status, String reason, String message, String lastTransitionTime) {
    this(type, status, reason, message, lastTransitionTime, null);
  }

  public static final String PEER_REACHABLE = "PeerReachable";
  public static final String EXPORT_VALID = "ExportValid";
  public static final String IMPORT_TARGET_PORT_VALID = "ImportTargetPortValid";
  public static final String IMPORT_SERVICE_VALID = "ImportServiceValid";
  public static final String ACCESS_POLICY_VALID = "AccessPolicyValid";

  /** The reason of a condition set because the control plane failed to reconcile the object. */
  public static final String RECONCILE_FAILED = "ReconcileFailed";

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isTrue() {
    return "True".equals(status);
  }
}
