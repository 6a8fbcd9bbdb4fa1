package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.xclusterlink.api.schema.MinItems;
import io.xclusterlink.api.schema.Required;
import java.util.List;

/**
 * This cluster's description of one of its VPCs (standalone mode): the CIDRs behind it, the range
 * it is seen as when its CIDRs overlap a remote VPC's, and its router on the transit segment the
 * gateways share with it. Never published: remote peers learn a VPC's routed range from its
 * gateways' {@link GatewayExIp}s.
 */
public record Vpc(ObjectMeta metadata, @Required Spec spec, Status status) implements XclObject {
  public Vpc {
    status = status == null ? Status.EMPTY : status;
  }

  /**
   * @param cidrs the VPC's own CIDRs (required)
   * @param globalNetCIDR the range the VPC is seen as from remote VPCs, translated 1:1 by its
   *     gateways; set when its CIDRs overlap a remote's (then exactly one CIDR of the same length)
   * @param router the VPC router's side of the transit segment (required for the network path)
   */
  public record Spec(
      @Required @MinItems(1) List<String> cidrs, String globalNetCIDR, Router router) {
    public Spec {
      cidrs = cidrs == null ? List.of() : List.copyOf(cidrs);
    }
  }

  /**
   * @param transitIp the VPC router's address on the transit segment: the gateways' way back in
   */
  public record Router(String transitIp) {}

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.VPC;
  }

  @Override
  public Vpc withMetadata(ObjectMeta m) {
    return new Vpc(m, spec, status);
  }

  @Override
  public Vpc withStatus(Status s) {
    return new Vpc(metadata, spec, s);
  }
}
