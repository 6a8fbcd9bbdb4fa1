package io.xclusterlink.kube.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrArray;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrBool;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.schema.MinItems;
import io.xclusterlink.api.schema.Pattern;
import io.xclusterlink.api.schema.Range;
import io.xclusterlink.api.schema.Required;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives an OpenAPI v3 (structural) schema from an api record by reflection: each record component
 * becomes a property under its JSON name ({@code @JsonProperty}, skipping {@code @JsonIgnore}),
 * records nest as objects, {@code List}s as arrays, {@code Map<String, V>} as objects with {@code
 * additionalProperties}, enums as strings with their JSON spellings, and the {@code api.schema}
 * annotations as {@code required}, {@code minimum}/{@code maximum}, {@code pattern}/{@code
 * maxLength} and {@code minItems}. Only a component typed {@code Object} or {@code JsonNode} (free
 * form by design) gets {@code x-kubernetes-preserve-unknown-fields}. A type it does not know is
 * refused, naming the field, so that a new kind's odd field is decided on rather than silently left
 * open.
 */
final class RecordSchema {
  private final ObjectMapper json;

  /**
   * @param json the mapper the api writes objects with, used to spell enum values as they appear in
   *     YAML
   */
  RecordSchema(ObjectMapper json) {
    this.json = json;
  }

  /** The schema of a record type, as an object with its components as properties. */
  JSONSchemaProps of(Class<?> record) {
    return object(record, record.getSimpleName());
  }

  private JSONSchemaProps object(Class<?> record, String where) {
    if (!record.isRecord()) {
      throw new IllegalArgumentException(where + ": " + record.getName() + " is not a record");
    }
    Map<String, JSONSchemaProps> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (RecordComponent c : record.getRecordComponents()) {
      if (c.isAnnotationPresent(JsonIgnore.class)
          || c.getAccessor().isAnnotationPresent(JsonIgnore.class)) {
        continue;
      }
      String name = jsonName(c);
      properties.put(name, component(c, where + "." + name));
      if (c.isAnnotationPresent(Required.class)) {
        required.add(name);
      }
    }
    JSONSchemaPropsBuilder b = new JSONSchemaPropsBuilder().withType("object");
    b.withProperties(properties);
    if (!required.isEmpty()) {
      b.withRequired(required);
    }
    return b.build();
  }

  private static String jsonName(RecordComponent c) {
    JsonProperty p = c.getAnnotation(JsonProperty.class);
    if (p == null) {
      p = c.getAccessor().getAnnotation(JsonProperty.class);
    }
    return p != null && !p.value().isEmpty() ? p.value() : c.getName();
  }

  private JSONSchemaProps component(RecordComponent c, String where) {
    JSONSchemaProps s = type(c.getGenericType(), where);
    Range range = c.getAnnotation(Range.class);
    if (range != null) {
      requireType(s, "integer", Range.class, where);
      s.setMinimum((double) range.min());
      s.setMaximum((double) range.max());
    }
    Pattern pattern = c.getAnnotation(Pattern.class);
    if (pattern != null) {
      requireType(s, "string", Pattern.class, where);
      s.setPattern(pattern.value());
      if (pattern.maxLength() > 0) {
        s.setMaxLength((long) pattern.maxLength());
      }
    }
    MinItems minItems = c.getAnnotation(MinItems.class);
    if (minItems != null) {
      requireType(s, "array", MinItems.class, where);
      s.setMinItems((long) minItems.value());
    }
    return s;
  }

  private static void requireType(JSONSchemaProps s, String type, Class<?> annotation, String at) {
    if (!type.equals(s.getType())) {
      throw new IllegalArgumentException(
          at + ": @" + annotation.getSimpleName() + " on a field of type " + s.getType());
    }
  }

  private JSONSchemaProps type(Type type, String where) {
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        return new JSONSchemaPropsBuilder()
            .withType("array")
            .withItems(new JSONSchemaPropsOrArray(List.of(), type(args[0], where + "[]")))
            .build();
      }
      if (Map.class.isAssignableFrom(raw) && args[0] == String.class) {
        return new JSONSchemaPropsBuilder()
            .withType("object")
            .withAdditionalProperties(new JSONSchemaPropsOrBool(null, type(args[1], where + ".*")))
            .build();
      }
    }
    if (!(type instanceof Class<?> c)) {
      throw new IllegalArgumentException(where + ": no schema for type " + type.getTypeName());
    }
    if (c == String.class) {
      return new JSONSchemaPropsBuilder().withType("string").build();
    }
    if (c == Integer.class || c == int.class) {
      return new JSONSchemaPropsBuilder().withType("integer").withFormat("int32").build();
    }
    if (c == Long.class || c == long.class) {
      return new JSONSchemaPropsBuilder().withType("integer").withFormat("int64").build();
    }
    if (c == Boolean.class || c == boolean.class) {
      return new JSONSchemaPropsBuilder().withType("boolean").build();
    }
    if (c == Double.class || c == double.class) {
      return new JSONSchemaPropsBuilder().withType("number").withFormat("double").build();
    }
    if (c == Object.class || JsonNode.class.isAssignableFrom(c)) {
      // free-form on purpose (the record says so): the one place the API server keeps what it
      // cannot check
      return new JSONSchemaPropsBuilder().withXKubernetesPreserveUnknownFields(true).build();
    }
    if (c.isEnum()) {
      List<JsonNode> values = new ArrayList<>();
      for (Object constant : c.getEnumConstants()) {
        values.add(json.valueToTree(constant));
      }
      return new JSONSchemaPropsBuilder().withType("string").withEnum(values).build();
    }
    if (c == ObjectMeta.class) {
      // the API server owns metadata's schema; a CRD may only say that it is an object
      return new JSONSchemaPropsBuilder().withType("object").build();
    }
    if (c.isRecord()) {
      return object(c, where);
    }
    throw new IllegalArgumentException(where + ": no schema for type " + c.getName());
  }
}
