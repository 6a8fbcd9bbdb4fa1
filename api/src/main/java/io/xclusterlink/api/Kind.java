package io.xclusterlink.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of object in the API group, with the names the CLI and REST paths use for them. */
public enum Kind {
  PEER("Peer", "peers", false, Peer.class),
  EXPORT("Export", "exports", true, Export.class),
  IMPORT("Import", "imports", true, Import.class),
  ACCESS_POLICY("AccessPolicy", "accesspolicies", true, AccessPolicy.class),
  PRIVILEGED_ACCESS_POLICY(
      "PrivilegedAccessPolicy", "privilegedaccesspolicies", false, PrivilegedAccessPolicy.class),
  GATEWAY_EX_IP("GatewayExIp", "gatewayexips", true, GatewayExIp.class),
  VPC("Vpc", "vpcs", true, Vpc.class),
  VPC_NAT_TUNNEL("VpcNatTunnel", "vpcnattunnels", true, VpcNatTunnel.class);

  private final String kindName;
  private final String plural;
  private final boolean namespaced;
  private final Class<? extends XclObject> type;

  Kind(String kindName, String plural, boolean namespaced, Class<? extends XclObject> type) {
    this.kindName = kindName;
    this.plural = plural;
    this.namespaced = namespaced;
    this.type = type;
  }

  /** The {@code kind} field of the YAML, e.g. {@code AccessPolicy}. */
  public String kindName() {
    return kindName;
  }

  /** The plural lower-case name used in REST paths and the CLI, e.g. {@code accesspolicies}. */
  public String plural() {
    return plural;
  }

  /** Whether objects of this kind live in a namespace (Peer and PrivilegedAccessPolicy do not). */
  public boolean namespaced() {
    return namespaced;
  }

  public Class<? extends XclObject> type() {
    return type;
  }

  /**
   * Parses a kind as a user writes it: the kind name, its plural or singular lower-case form, in
   * any case ({@code Import}, {@code imports}, {@code import}).
   */
  public static Kind parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (Kind k : values()) {
      String singular = k.kindName.toLowerCase(Locale.ROOT);
      if (t.equals(singular) || t.equals(k.plural)) {
        return k;
      }
    }
    throw new InvalidObjectException("kind: '" + text + "' (expected one of: " + names() + ")");
  }

  /** All kind names, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(Kind::kindName).collect(Collectors.joining(", "));
  }
}
