package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Name, namespace and labels of an object. Cluster-scoped kinds have a null namespace. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ObjectMeta(String name, String namespace, Map<String, String> labels) {
  public ObjectMeta {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static ObjectMeta of(String name, String namespace) {
    return new ObjectMeta(name, namespace, Map.of());
  }

  public ObjectMeta withNamespace(String ns) {
    return new ObjectMeta(name, ns, labels);
  }
}
