package io.xclusterlink.kube.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps custom resources of the API group to the api records and back, through the same Jackson
 * mapping (and checks) as YAML files: metadata.resourceVersion and generation are carried over;
 * fields the records do not know (uid, annotations, owner references) stay on the resource.
 */
public final class KubeObjects {
  public static final String GROUP = "xclusterlink.io";
  public static final String VERSION = "v1alpha1";

  private static final ObjectMapper JSON = ObjectCodec.json();

  private KubeObjects() {}

  /** What the client needs to address a kind's resources. */
  public static ResourceDefinitionContext context(Kind kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(GROUP)
        .withVersion(VERSION)
        .withKind(kind.kindName())
        .withPlural(kind.plural())
        .withNamespaced(kind.namespaced())
        .build();
  }

  /**
   * The record of a resource; throws {@link InvalidObjectException} naming the field when the
   * resource does not fit (no schema in the API server, or one that allows more than we read).
   */
  public static XclObject toObject(Kind kind, GenericKubernetesResource r) {
    ObjectNode tree = JSON.createObjectNode();
    tree.put("apiVersion", XclObject.API_VERSION);
    tree.put("kind", kind.kindName());
    ObjectNode meta = tree.putObject("metadata");
    io.fabric8.kubernetes.api.model.ObjectMeta m = r.getMetadata();
    meta.put("name", m.getName());
    if (kind.namespaced()) {
      meta.put("namespace", m.getNamespace());
    }
    if (m.getLabels() != null && !m.getLabels().isEmpty()) {
      meta.set("labels", JSON.valueToTree(m.getLabels()));
    }
    if (m.getResourceVersion() != null) {
      meta.put("resourceVersion", m.getResourceVersion());
    }
    if (m.getGeneration() != null) {
      meta.put("generation", m.getGeneration());
    }
    Object spec = r.getAdditionalProperties().get("spec");
    if (spec == null) {
      throw new InvalidObjectException(
          kind.kindName() + " " + where(r) + ": spec: missing (expected: a spec)");
    }
    tree.set("spec", JSON.valueToTree(spec));
    Object status = r.getAdditionalProperties().get("status");
    if (status != null) {
      tree.set("status", JSON.valueToTree(status));
    }
    try {
      return ObjectCodec.fromTree(tree);
    } catch (InvalidObjectException e) {
      throw new InvalidObjectException(kind.kindName() + " " + where(r) + ": " + e.getMessage());
    }
  }

  /**
   * The resource to write for {@code obj}: {@code base} (the stored resource, or null for a new
   * one) with the object's labels and spec; its status and the fields the records do not know are
   * kept. The resourceVersion is the object's when it carries one, else the base's.
   */
  public static GenericKubernetesResource toResource(
      XclObject obj, GenericKubernetesResource base) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(XclObject.API_VERSION);
    r.setKind(obj.kind().kindName());
    Map<String, Object> extra = new LinkedHashMap<>();
    if (base != null) {
      r.setMetadata(new ObjectMetaBuilder(base.getMetadata()).build());
      extra.putAll(base.getAdditionalProperties());
    } else {
      r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    io.fabric8.kubernetes.api.model.ObjectMeta m = r.getMetadata();
    m.setName(obj.metadata().name());
    m.setNamespace(obj.kind().namespaced() ? obj.metadata().namespace() : null);
    m.setLabels(obj.metadata().labels().isEmpty() ? null : new HashMap<>(obj.metadata().labels()));
    if (obj.metadata().resourceVersion() != null) {
      m.setResourceVersion(obj.metadata().resourceVersion());
    }
    JsonNode spec = ObjectCodec.toTree(obj).get("spec");
    extra.put("spec", JSON.convertValue(spec, Map.class));
    r.setAdditionalProperties(extra);
    return r;
  }

  /** {@code base} with its status replaced. */
  public static GenericKubernetesResource withStatus(
      GenericKubernetesResource base, Status status) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(base.getApiVersion());
    r.setKind(base.getKind());
    r.setMetadata(new ObjectMetaBuilder(base.getMetadata()).build());
    Map<String, Object> extra = new LinkedHashMap<>(base.getAdditionalProperties());
    extra.put("status", JSON.convertValue(status, Map.class));
    r.setAdditionalProperties(extra);
    return r;
  }

  private static String where(GenericKubernetesResource r) {
    String ns = r.getMetadata().getNamespace();
    return (ns == null ? "" : ns + "/") + r.getMetadata().getName();
  }
}
