package io.xclusterlink.kube.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.xclusterlink.api.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an object against the openAPIV3Schema of its kind's generated CRD, as JSON Schema draft 4
 * (of which a CRD's structural schema is a subset), and answers the field paths it refuses in the
 * style of {@code Validation}: {@code spec.sources[0].peer}.
 */
final class CrdSchemaCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Map<Kind, Schema> schemas = new EnumMap<>(Kind.class);

  CrdSchemaCheck() {
    CrdGenerator generator = new CrdGenerator();
    KubernetesSerialization serialization = new KubernetesSerialization();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    for (Kind k : Kind.values()) {
      String schema = serialization.asJson(generator.schema(k));
      schemas.put(k, registry.getSchema(schema, InputFormat.JSON));
    }
  }

  /** The kind a YAML document names. */
  static Kind kindOf(JsonNode doc) {
    for (Kind k : Kind.values()) {
      if (k.kindName().equals(doc.path("kind").asText())) {
        return k;
      }
    }
    throw new IllegalArgumentException("not a kind of the api: " + doc.path("kind"));
  }

  static JsonNode parse(String yamlDocument) {
    try {
      return YAML.readTree(yamlDocument);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The paths of the fields the schema refuses; empty when the document is valid. */
  List<String> refusedPaths(JsonNode doc) {
    List<String> paths = new ArrayList<>();
    for (Error e : errors(doc)) {
      String path = path(e.getInstanceLocation());
      if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
        path = path.isEmpty() ? e.getProperty() : path + "." + e.getProperty();
      }
      paths.add(path);
    }
    return paths;
  }

  /** The validator's own messages, for assertion descriptions. */
  List<String> messages(JsonNode doc) {
    return errors(doc).stream().map(Error::toString).toList();
  }

  private List<Error> errors(JsonNode doc) {
    try {
      return schemas.get(kindOf(doc)).validate(JSON.writeValueAsString(doc), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String path(NodePath p) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < p.getNameCount(); i++) {
      Object element = p.getElement(i);
      if (element instanceof Integer index) {
        sb.append('[').append(index).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(element);
      }
    }
    return sb.toString();
  }
}
