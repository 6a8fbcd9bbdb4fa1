package io.xclusterlink.kube.broker;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code GatewayExIp} custom resource ({@value #API_VERSION}) as the broker stores it, and the
 * one place that maps it to and from {@link PublishedGateway}: everything read from the broker is
 * checked here, because any peer with the broker Role can write any object there.
 */
public final class GatewayExIps {
  public static final String GROUP = "xclusterlink.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "GatewayExIp";
  public static final String PLURAL = "gatewayexips";

  /** The label naming the peer an object belongs to; the broker reads only labelled objects. */
  public static final String PEER_LABEL = "xclusterlink.io/peer";

  /** Where fabric8's generic client finds the resource (namespaced). */
  public static final ResourceDefinitionContext CONTEXT =
      new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion(VERSION)
          .withKind(KIND)
          .withPlural(PLURAL)
          .withNamespaced(true)
          .build();

  private GatewayExIps() {}

  /** The name a peer publishes under: {@code <peer>}, or {@code <peer>-<node>} per node. */
  public static String objectName(String peer, String node) {
    return node == null ? peer : peer + "-" + node;
  }

  /** The object that publishes {@code spec} for {@code peer} as {@code namespace/name}. */
  public static GenericKubernetesResource toResource(
      String namespace, String name, String peer, GatewayExIpSpec spec) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("externalIps", new ArrayList<>(spec.externalIps()));
    s.put("port", spec.port());
    if (spec.globalNetCIDR() != null) {
      s.put("globalNetCIDR", spec.globalNetCIDR());
    }
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(KIND)
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(Map.of(PEER_LABEL, peer))
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", s))
        .build();
  }

  /**
   * Reads and checks one object from the broker.
   *
   * @throws InvalidObjectException naming the object, the field, the value and the expectation
   */
  public static PublishedGateway parse(GenericKubernetesResource r) {
    String name = r.getMetadata() == null ? null : r.getMetadata().getName();
    String where =
        KIND
            + " "
            + (r.getMetadata() == null ? "<no metadata>" : r.getMetadata().getNamespace())
            + "/"
            + name;
    try {
      Map<String, String> labels =
          r.getMetadata() == null || r.getMetadata().getLabels() == null
              ? Map.of()
              : r.getMetadata().getLabels();
      String peer = labels.get(PEER_LABEL);
      Validation.name("metadata.labels[" + PEER_LABEL + "]", peer);
      if (name == null || !(name.equals(peer) || name.startsWith(peer + "-"))) {
        throw new InvalidObjectException(
            "metadata.name: '" + name + "' (expected: '" + peer + "' or '" + peer + "-<node>')");
      }
      return new PublishedGateway(name, peer, spec(r.getAdditionalProperties().get("spec")));
    } catch (InvalidObjectException e) {
      throw new InvalidObjectException(where + ": " + e.getMessage());
    }
  }

  private static GatewayExIpSpec spec(Object raw) {
    if (!(raw instanceof Map<?, ?> spec)) {
      throw new InvalidObjectException("spec: missing (expected: externalIps and port)");
    }
    Object ips = spec.get("externalIps");
    List<String> hosts = new ArrayList<>();
    if (ips instanceof List<?> list) {
      for (Object o : list) {
        hosts.add(o instanceof String s ? s : String.valueOf(o));
      }
    } else if (ips != null) {
      throw new InvalidObjectException(
          "spec.externalIps: " + ips + " (expected: a list of host names or IP addresses)");
    }
    Object port = spec.get("port");
    if (!(port instanceof Number n) || n.doubleValue() != n.intValue()) {
      throw new InvalidObjectException(
          "spec.port: " + (port == null ? "missing" : "'" + port + "'") + " (expected: 1-65535)");
    }
    Object cidr = spec.get("globalNetCIDR");
    if (cidr != null && !(cidr instanceof String)) {
      throw new InvalidObjectException(
          "spec.globalNetCIDR: " + cidr + " (expected: a CIDR such as 242.1.0.0/16)");
    }
    return new GatewayExIpSpec(hosts, n.intValue(), (String) cidr);
  }

  /** Whether {@code r} already says exactly what {@code peer} wants to publish. */
  static boolean says(GenericKubernetesResource r, String peer, GatewayExIpSpec spec) {
    try {
      PublishedGateway p = parse(r);
      return p.peer().equals(peer) && p.spec().equals(spec);
    } catch (InvalidObjectException e) {
      return false;
    }
  }
}
