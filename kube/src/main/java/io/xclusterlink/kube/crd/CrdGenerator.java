package io.xclusterlink.kube.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.api.schema.PrinterColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the {@code apiextensions.k8s.io/v1} CustomResourceDefinition of each {@link Kind} from its
 * record: one served and stored version, the scope from {@link Kind#namespaced()}, the status
 * subresource, printer columns from {@link PrinterColumn} and the OpenAPI schema from {@link
 * RecordSchema}. Pure: the same api classes give byte-identical YAML.
 */
public final class CrdGenerator {
  /** The API group, from {@link XclObject#API_VERSION}: {@code xclusterlink.io}. */
  public static final String GROUP = XclObject.API_VERSION.split("/")[0];

  /** The only version, from {@link XclObject#API_VERSION}: {@code v1alpha1}. */
  public static final String VERSION = XclObject.API_VERSION.split("/")[1];

  /** {@code kubectl get xclusterlink} lists every kind of the group. */
  public static final String CATEGORY = "xclusterlink";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final RecordSchema schemas = new RecordSchema(ObjectCodec.json());

  /** The CRD of one kind. */
  public CustomResourceDefinition crd(Kind kind) {
    String singular = kind.kindName().toLowerCase(Locale.ROOT);
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(fileStem(kind))
        .addToLabels("app.kubernetes.io/part-of", "xclusterlink")
        .endMetadata()
        .withNewSpec()
        .withGroup(GROUP)
        .withScope(kind.namespaced() ? "Namespaced" : "Cluster")
        .withNewNames()
        .withKind(kind.kindName())
        .withListKind(kind.kindName() + "List")
        .withPlural(kind.plural())
        .withSingular(singular)
        .withCategories(CATEGORY)
        .endNames()
        .addNewVersion()
        .withName(VERSION)
        .withServed(true)
        .withStorage(true)
        .withNewSubresources()
        .withNewStatus()
        .endStatus()
        .endSubresources()
        .withAdditionalPrinterColumns(columns(kind))
        .withNewSchema()
        .withOpenAPIV3Schema(schema(kind))
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }

  /** The CRDs of every kind, in {@link Kind} order. */
  public List<CustomResourceDefinition> crds() {
    List<CustomResourceDefinition> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      out.add(crd(k));
    }
    return out;
  }

  /** The CRD as YAML, as committed under {@code deploy/crds/}. */
  public String yaml(Kind kind) {
    return SERIALIZATION.asYaml(crd(kind));
  }

  /** The CRD's name and file stem: {@code imports.xclusterlink.io}. */
  public static String fileStem(Kind kind) {
    return kind.plural() + "." + GROUP;
  }

  /**
   * The schema of a whole object: apiVersion, kind, metadata and the record's other components
   * (spec, status, ...), with the record's required components.
   */
  JSONSchemaProps schema(Kind kind) {
    JSONSchemaProps body = schemas.of(kind.type());
    Map<String, JSONSchemaProps> properties = new LinkedHashMap<>();
    properties.put("apiVersion", new JSONSchemaPropsBuilder().withType("string").build());
    properties.put("kind", new JSONSchemaPropsBuilder().withType("string").build());
    properties.putAll(body.getProperties());
    body.setProperties(properties);
    body.setDescription(kind.kindName() + " of " + XclObject.API_VERSION);
    return body;
  }

  private static List<CustomResourceColumnDefinition> columns(Kind kind) {
    List<CustomResourceColumnDefinition> out = new ArrayList<>();
    for (PrinterColumn c : kind.type().getAnnotationsByType(PrinterColumn.class)) {
      out.add(
          new CustomResourceColumnDefinitionBuilder()
              .withName(c.name())
              .withType(c.type())
              .withJsonPath(c.jsonPath())
              .withDescription(c.description().isEmpty() ? null : c.description())
              .build());
    }
    return out;
  }
}
