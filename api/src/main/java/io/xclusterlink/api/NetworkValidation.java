package io.xclusterlink.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Admission rules of the network path's kinds ({@link GatewayExIp}, {@link Vpc}, {@link
 * VpcNatTunnel}), called by {@link Validation#validate}. Addresses are literals, never resolved.
 */
final class NetworkValidation {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private NetworkValidation() {}

  static void gatewayExIp(GatewayExIp g) {
    GatewayExIp.Spec s = g.spec();
    if (s == null || s.externalIps().isEmpty()) {
      throw Validation.fail("spec.externalIps", "missing", "at least one IP address");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.externalIps().size(); i++) {
      String f = "spec.externalIps[" + i + "]";
      ip(f, s.externalIps().get(i));
      if (!seen.add(s.externalIps().get(i))) {
        throw Validation.fail(f, s.externalIps().get(i) + " twice", "unique addresses");
      }
    }
    if (s.port() != null) {
      Validation.port("spec.port", s.port());
    }
    if (s.globalNetCIDR() != null) {
      ipv4Cidr("spec.globalNetCIDR", s.globalNetCIDR());
    }
    if (s.vpc() != null) {
      Validation.name("spec.vpc", s.vpc());
    }
    if (s.node() != null) {
      Validation.name("spec.node", s.node());
    }
    if (s.tunnelIp() != null) {
      ipv4("spec.tunnelIp", s.tunnelIp());
    }
    if (s.transitIp() != null) {
      ipv4("spec.transitIp", s.transitIp());
    }
    cidrs("spec.cidrs", s.cidrs());
  }

  static void vpc(Vpc v) {
    Vpc.Spec s = v.spec();
    if (s == null || s.cidrs().isEmpty()) {
      throw Validation.fail("spec.cidrs", "missing", "at least one IPv4 CIDR");
    }
    cidrs("spec.cidrs", s.cidrs());
    if (s.globalNetCIDR() != null) {
      int length = ipv4Cidr("spec.globalNetCIDR", s.globalNetCIDR());
      if (s.cidrs().size() != 1 || prefixLength(s.cidrs().get(0)) != length) {
        throw Validation.fail(
            "spec.globalNetCIDR",
            s.globalNetCIDR(),
            "with a globalNetCIDR, exactly one CIDR of the same length: the translation is 1:1");
      }
    }
    if (s.router() != null) {
      ipv4("spec.router.transitIp", s.router().transitIp());
    }
  }

  static void tunnel(VpcNatTunnel t) {
    VpcNatTunnel.Spec s = t.spec();
    if (s == null) {
      throw Validation.fail("spec", "missing", "localVpc, remoteCluster, remoteVpc, interfaceAddr");
    }
    Validation.name("spec.localVpc", s.localVpc());
    Validation.name("spec.remoteCluster", s.remoteCluster());
    Validation.name("spec.remoteVpc", s.remoteVpc());
    ipv4Cidr("spec.interfaceAddr", s.interfaceAddr());
    String type = s.typeOrDefault();
    if (!type.equals(VpcNatTunnel.TYPE_VXLAN) && !type.equals(VpcNatTunnel.TYPE_GRE)) {
      throw Validation.fail("spec.type", "'" + s.type() + "'", "vxlan or gre");
    }
    if (s.vni() != null && (s.vni() < 1 || s.vni() > 0xff_ffff)) {
      throw Validation.fail("spec.vni", String.valueOf(s.vni()), "1-16777215");
    }
    if (s.udpPort() != null) {
      Validation.port("spec.udpPort", s.udpPort());
    }
    if (s.mtu() != null && (s.mtu() < 576 || s.mtu() > 65535)) {
      throw Validation.fail("spec.mtu", String.valueOf(s.mtu()), "576-65535");
    }
  }

  private static void cidrs(String field, List<String> cidrs) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < cidrs.size(); i++) {
      String f = field + "[" + i + "]";
      ipv4Cidr(f, cidrs.get(i));
      if (!seen.add(cidrs.get(i))) {
        throw Validation.fail(f, cidrs.get(i) + " twice", "unique CIDRs");
      }
    }
  }

  private static void ip(String field, String value) {
    if (value != null && IPV4.matcher(value).matches()) {
      return;
    }
    if (value != null && value.contains(":") && IPV6.matcher(value).matches()) {
      try {
        // a literal with ':' is parsed, never resolved
        java.net.InetAddress.getByName(value);
        return;
      } catch (java.net.UnknownHostException e) {
        // falls through to the refusal
      }
    }
    throw Validation.fail(
        field, value == null ? "missing" : "'" + value + "'", "an IPv4 or IPv6 address");
  }

  private static void ipv4(String field, String value) {
    if (value == null || !IPV4.matcher(value).matches()) {
      throw Validation.fail(
          field, value == null ? "missing" : "'" + value + "'", "an IPv4 address a.b.c.d");
    }
  }

  /** Checks an IPv4 CIDR with no host bits set; returns its length. */
  private static int ipv4Cidr(String field, String value) {
    String expected = "an IPv4 CIDR a.b.c.d/n with no host bits set";
    if (value == null) {
      throw Validation.fail(field, "missing", expected);
    }
    int slash = value.indexOf('/');
    if (slash < 0 || !IPV4.matcher(value.substring(0, slash)).matches()) {
      throw Validation.fail(field, "'" + value + "'", expected);
    }
    int length;
    try {
      length = Integer.parseInt(value.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw Validation.fail(field, "'" + value + "'", expected);
    }
    if (length < 0 || length > 32) {
      throw Validation.fail(field, "'" + value + "'", expected);
    }
    long address = 0;
    for (String octet : value.substring(0, slash).split("\\.")) {
      address = (address << 8) | Integer.parseInt(octet);
    }
    long hostBits = length == 32 ? 0 : (1L << (32 - length)) - 1;
    if ((address & hostBits) != 0) {
      throw Validation.fail(field, "'" + value + "'", expected);
    }
    return length;
  }

  private static int prefixLength(String cidr) {
    return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
  }
}
