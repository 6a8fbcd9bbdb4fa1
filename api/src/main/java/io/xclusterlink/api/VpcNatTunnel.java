package io.xclusterlink.api;

import static io.xclusterlink.api.schema.Constraints.PORT_MAX;
import static io.xclusterlink.api.schema.Constraints.PORT_MIN;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.xclusterlink.api.schema.Range;
import io.xclusterlink.api.schema.Required;
import java.util.Locale;

/**
 * An L3 tunnel from a local VPC to a VPC of a remote peer, through every gateway of both (the
 * fields of the source system's VpcNatTunnel). The remote gateways are the peer's learned {@link
 * GatewayExIp}s of {@code remoteVpc}; nobody types their addresses. Its status ({@link
 * Status#tunnel()}) is written by the agents that program it.
 */
public record VpcNatTunnel(ObjectMeta metadata, @Required Spec spec, Status status)
    implements XclObject {
  public static final String TYPE_VXLAN = "vxlan";
  public static final String TYPE_GRE = "gre";
  public static final int DEFAULT_VNI = 4096;
  public static final int DEFAULT_UDP_PORT = 4789;
  public static final int DEFAULT_MTU = 1450;

  public VpcNatTunnel {
    status = status == null ? Status.EMPTY : status;
  }

  /**
   * @param localVpc the name of the local {@link Vpc} (same namespace)
   * @param remoteCluster the peer whose VPC is joined
   * @param remoteVpc the peer's VPC name, as its GatewayExIps name it in {@code spec.vpc}
   * @param interfaceAddr the overlay network (CIDR) the gateways' tunnel addresses belong to, on
   *     both sides
   * @param type {@code vxlan} (the default) or {@code gre}
   * @param vni the VXLAN network identifier, the same on both sides (default {@value #DEFAULT_VNI})
   * @param udpPort the VXLAN UDP port (default {@value #DEFAULT_UDP_PORT})
   * @param mtu the tunnel device's MTU: the underlay's minus 50 (default {@value #DEFAULT_MTU})
   */
  public record Spec(
      @Required String localVpc,
      @Required String remoteCluster,
      @Required String remoteVpc,
      @Required String interfaceAddr,
      String type,
      @Range(min = 1, max = 0xff_ffff) Integer vni,
      @Range(min = PORT_MIN, max = PORT_MAX) Integer udpPort,
      @Range(min = 576, max = 65535) Integer mtu) {

    /** The type in lower case, {@code vxlan} when unset. */
    @JsonIgnore
    public String typeOrDefault() {
      return type == null ? TYPE_VXLAN : type.toLowerCase(Locale.ROOT);
    }

    @JsonIgnore
    public int vniOrDefault() {
      return vni == null ? DEFAULT_VNI : vni;
    }

    @JsonIgnore
    public int udpPortOrDefault() {
      return udpPort == null ? DEFAULT_UDP_PORT : udpPort;
    }

    @JsonIgnore
    public int mtuOrDefault() {
      return mtu == null ? DEFAULT_MTU : mtu;
    }
  }

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.VPC_NAT_TUNNEL;
  }

  @Override
  public VpcNatTunnel withMetadata(ObjectMeta m) {
    return new VpcNatTunnel(m, spec, status);
  }

  @Override
  public VpcNatTunnel withStatus(Status s) {
    return new VpcNatTunnel(metadata, spec, s);
  }
}
