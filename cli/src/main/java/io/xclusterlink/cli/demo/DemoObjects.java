package io.xclusterlink.cli.demo;

import java.util.List;

/**
 * The YAML of the objects the demo applies, as a user would write them. Pure: takes the peers,
 * returns text.
 */
final class DemoObjects {
  static final String EXPORT = "hello";
  static final String NAMESPACE = "default";
  private static final String API = "apiVersion: xclusterlink.io/v1alpha1\n";

  private DemoObjects() {}

  /**
   * What every peer gets: a Peer object for each peer (itself included), its Export of the hello
   * service and an AccessPolicy that allows everything.
   */
  static String peerObjects(DemoPeer self, List<DemoPeer> all) {
    StringBuilder sb = new StringBuilder();
    for (DemoPeer p : all) {
      sb.append(API)
          .append("kind: Peer\n")
          .append("metadata: {name: ")
          .append(p.name())
          .append("}\n")
          .append("spec:\n")
          .append("  gateways: [{host: ")
          .append(DemoPeer.HOST)
          .append(", port: ")
          .append(p.gatewayPort())
          .append("}]\n")
          .append("---\n");
    }
    sb.append(API)
        .append("kind: Export\n")
        .append("metadata: {name: ")
        .append(EXPORT)
        .append(", namespace: ")
        .append(NAMESPACE)
        .append("}\n")
        .append("spec: {host: ")
        .append(DemoPeer.HOST)
        .append(", port: ")
        .append(self.servicePort())
        .append("}   # ")
        .append(self.name())
        .append("'s service: it answers \"")
        .append(self.greeting())
        .append("\"\n")
        .append("---\n")
        .append(API)
        .append("kind: AccessPolicy\n")
        .append("metadata: {name: allow-all, namespace: ")
        .append(NAMESPACE)
        .append("}\n")
        .append("spec:\n")
        .append("  action: allow\n")
        .append("  from: [{workloadSelector: {}}]\n")
        .append("  to: [{workloadSelector: {}}]\n");
    return sb.toString();
  }

  /** The Import of the hello service from every peer, round-robin, on a fixed local port. */
  static String helloImport(List<DemoPeer> sources, int targetPort) {
    StringBuilder sb = new StringBuilder();
    sb.append(API)
        .append("kind: Import\n")
        .append("metadata: {name: ")
        .append(EXPORT)
        .append(", namespace: ")
        .append(NAMESPACE)
        .append("}\n")
        .append("spec:\n")
        .append("  port: 80\n")
        .append("  targetPort: ")
        .append(targetPort)
        .append("   # clients connect to ")
        .append(DemoPeer.HOST)
        .append(':')
        .append(targetPort)
        .append('\n')
        .append("  lbScheme: round-robin\n")
        .append("  sources:\n");
    for (DemoPeer p : sources) {
      sb.append("  - {peer: ")
          .append(p.name())
          .append(", exportName: ")
          .append(EXPORT)
          .append(", exportNamespace: ")
          .append(NAMESPACE)
          .append("}\n");
    }
    return sb.toString();
  }

  /** An AccessPolicy that refuses every connection coming from {@code peer}. */
  static String denyPeer(String peer) {
    return API
        + "kind: AccessPolicy\n"
        + "metadata: {name: deny-"
        + peer
        + ", namespace: "
        + NAMESPACE
        + "}\n"
        + "spec:\n"
        + "  action: deny\n"
        + "  from: [{workloadSelector: {matchLabels: {peer.xclusterlink.io/name: "
        + peer
        + "}}}]\n"
        + "  to: [{workloadSelector: {}}]\n";
  }
}
