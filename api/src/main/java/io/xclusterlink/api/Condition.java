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

  /** On a {@link VpcNatTunnel}: its kernel state is in place on the reporting node. */
  public static final String TUNNEL_READY = "TunnelReady";

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isTrue() {
    return "True".equals(status);
  }
}
