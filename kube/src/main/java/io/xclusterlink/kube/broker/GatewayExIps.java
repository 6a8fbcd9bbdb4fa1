package io.xclusterlink.kube.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import java.util.Map;

/**
 * The {@code GatewayExIp} custom resource ({@value XclObject#API_VERSION}, the api module's {@link
 * GatewayExIp}) as the broker stores it, and the one place that maps it to and from {@link
 * PublishedGateway}: everything read from the broker is checked here with the api's admission
 * rules, because any peer with the broker Role can write any object there.
 */
public final class GatewayExIps {
  public static final String GROUP = "xclusterlink.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "GatewayExIp";
  public static final String PLURAL = "gatewayexips";

  /** The label naming the peer an object belongs to; the broker reads only labelled objects. */
  public static final String PEER_LABEL = GatewayExIp.PEER_LABEL;

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
  @SuppressWarnings("unchecked")
  public static GenericKubernetesResource toResource(
      String namespace, String name, String peer, GatewayExIp.Spec spec) {
    ObjectNode tree =
        ObjectCodec.toTree(
            new GatewayExIp(new ObjectMeta(name, namespace, Map.of(PEER_LABEL, peer)), spec, null));
    Map<String, Object> s = ObjectCodec.json().convertValue(tree.get("spec"), Map.class);
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(XclObject.API_VERSION)
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
   * Reads and checks one object from the broker: the api's rules for a GatewayExIp, a peer label
   * that is a name, and an object name of {@code <peer>} or {@code <peer>-<node>}.
   *
   * @throws InvalidObjectException naming the object, the field, the value and the expectation
   */
  public static PublishedGateway parse(GenericKubernetesResource r) {
    String ns = r.getMetadata() == null ? null : r.getMetadata().getNamespace();
    String name = r.getMetadata() == null ? null : r.getMetadata().getName();
    Map<String, String> labels =
        r.getMetadata() == null || r.getMetadata().getLabels() == null
            ? Map.of()
            : r.getMetadata().getLabels();
    String where = KIND + " " + ns + "/" + name + ": ";
    // only what the api record knows: the API server adds uid, creationTimestamp, managedFields
    ObjectNode tree = ObjectCodec.json().createObjectNode();
    tree.put("apiVersion", XclObject.API_VERSION);
    tree.put("kind", KIND);
    ObjectNode meta = tree.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", ns);
    meta.set("labels", ObjectCodec.json().valueToTree(labels));
    JsonNode spec = ObjectCodec.json().valueToTree(r.getAdditionalProperties().get("spec"));
    tree.set("spec", spec);
    GatewayExIp g;
    try {
      g = (GatewayExIp) ObjectCodec.fromTree(tree);
    } catch (InvalidObjectException e) {
      throw new InvalidObjectException(where + e.getMessage());
    }
    Validation.validate(g, true);
    String peer = labels.get(PEER_LABEL);
    try {
      Validation.name("metadata.labels[" + PEER_LABEL + "]", peer);
    } catch (InvalidObjectException e) {
      throw new InvalidObjectException(where + e.getMessage());
    }
    if (!(name.equals(peer) || name.startsWith(peer + "-"))) {
      throw new InvalidObjectException(
          where
              + "metadata.name: '"
              + name
              + "' (expected: '"
              + peer
              + "' or '"
              + peer
              + "-<node>')");
    }
    return new PublishedGateway(name, peer, g.spec());
  }

  /**
   * Checks what this peer is about to publish, with the api's rules plus a port (a broker
   * publication is for the service path).
   */
  static GatewayExIp.Spec checkPublication(String peer, GatewayExIp.Spec spec) {
    if (spec == null) {
      throw new InvalidObjectException(
          "GatewayExIp " + peer + ": spec: missing (expected: externalIps and port)");
    }
    Validation.validate(
        new GatewayExIp(ObjectMeta.of(peer, XclObject.DEFAULT_NAMESPACE), spec, null), true);
    if (spec.port() == null) {
      throw new InvalidObjectException(
          "GatewayExIp " + peer + ": spec.port: missing (expected: the gateway port, 1-65535)");
    }
    return spec;
  }

  /** A short form for logs: {@code [203.0.113.10, 203.0.113.11]:8443}. */
  static String describe(GatewayExIp.Spec spec) {
    return spec.externalIps()
        + ":"
        + spec.port()
        + (spec.globalNetCIDR() == null ? "" : " globalNetCIDR " + spec.globalNetCIDR());
  }

  /** Whether {@code r} already says exactly what {@code peer} wants to publish. */
  static boolean says(GenericKubernetesResource r, String peer, GatewayExIp.Spec spec) {
    try {
      PublishedGateway p = parse(r);
      return p.peer().equals(peer) && p.spec().equals(spec);
    } catch (InvalidObjectException e) {
      return false;
    }
  }
}
