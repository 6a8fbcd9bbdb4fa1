package io.xclusterlink.api;

import static io.xclusterlink.api.schema.Constraints.PORT_MAX;
import static io.xclusterlink.api.schema.Constraints.PORT_MIN;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.xclusterlink.api.schema.MinItems;
import io.xclusterlink.api.schema.Range;
import io.xclusterlink.api.schema.Required;
import java.util.List;

/**
 * One gateway node of this cluster, or of a remote peer (then labelled {@value #PEER_LABEL} with
 * the peer's name and {@value #LEARNED_LABEL}{@code : "true"}): the addresses other nodes need to
 * reach it, published by the node itself so that nobody types a remote gateway's address. A gateway
 * publishes its own (not learned) ones to every peer over the peer channel; a peer's withdrawn ones
 * are deleted.
 */
public record GatewayExIp(ObjectMeta metadata, @Required Spec spec, Status status)
    implements XclObject {
  /** The label naming the peer a learned GatewayExIp came from. */
  public static final String PEER_LABEL = "xclusterlink.io/peer";

  /** The label ({@code "true"}) marking a GatewayExIp learned from a peer, not published here. */
  public static final String LEARNED_LABEL = "xclusterlink.io/learned";

  public GatewayExIp {
    status = status == null ? Status.EMPTY : status;
  }

  /**
   * @param externalIps the node's underlay addresses, where remote gateways send to it (required)
   * @param port the L4 gateway port of the node, when it serves the service path (optional)
   * @param globalNetCIDR the VPC's global range, when its CIDRs overlap a remote's (optional)
   * @param vpc the VPC the node is a gateway of (required for the network path)
   * @param node the node's name: the gateway's name in the kernel state and in logs (defaults to
   *     metadata.name)
   * @param tunnelIp the node's address inside the VXLAN overlay (IPv4)
   * @param transitIp the node's address on the VPC's transit segment, where the VPC router reaches
   *     it (IPv4)
   * @param cidrs the VPC's CIDRs, as a remote peer routes them when there is no globalNetCIDR
   */
  public record Spec(
      @Required @MinItems(1) List<String> externalIps,
      @Range(min = PORT_MIN, max = PORT_MAX) Integer port,
      String globalNetCIDR,
      String vpc,
      String node,
      String tunnelIp,
      String transitIp,
      List<String> cidrs) {
    public Spec {
      externalIps = externalIps == null ? List.of() : List.copyOf(externalIps);
      cidrs = cidrs == null ? List.of() : List.copyOf(cidrs);
    }
  }

  /** The gateway's name: {@code spec.node}, else {@code metadata.name}. */
  @JsonIgnore
  public String nodeName() {
    return spec != null && spec.node() != null ? spec.node() : metadata.name();
  }

  /** The peer this GatewayExIp was learned from, or null for one of this cluster's. */
  @JsonIgnore
  public String learnedFrom() {
    return "true".equals(metadata.labels().get(LEARNED_LABEL))
        ? metadata.labels().get(PEER_LABEL)
        : null;
  }

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.GATEWAY_EX_IP;
  }

  @Override
  public GatewayExIp withMetadata(ObjectMeta m) {
    return new GatewayExIp(m, spec, status);
  }

  @Override
  public GatewayExIp withStatus(Status s) {
    return new GatewayExIp(metadata, spec, s);
  }
}
