package io.xclusterlink.agent.plan;

import java.util.Objects;

/**
 * The VXLAN overlay of one tunnel, identical on every gateway of both clusters.
 *
 * @param underlayDevice the gateways' interface towards the underlay
 * @param overlayNetwork the overlay subnet the gateways' overlay addresses belong to
 * @param mtu the VXLAN device's MTU (underlay MTU minus 50)
 */
public record VxlanConfig(
    int vni, int port, String underlayDevice, Ipv4Prefix overlayNetwork, int mtu) {
  public VxlanConfig {
    if (vni < 1 || vni > 0xff_ffff) {
      throw new IllegalArgumentException("vni: " + vni + " (expected: 1-16777215)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
    Devices.require("underlayDevice", underlayDevice);
    Objects.requireNonNull(overlayNetwork, "overlayNetwork");
    if (mtu < 576 || mtu > 65535) {
      throw new IllegalArgumentException("mtu: " + mtu + " (expected: 576-65535)");
    }
  }

  /**
   * The VXLAN device's name, {@code xclvx<vni>}: the same on every gateway of the cluster, so the
   * NAT ruleset that names it is byte-identical on all of them.
   */
  public String deviceName() {
    return "xclvx" + vni;
  }
}
