package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Name, namespace and labels of an object, and the two numbers the store keeps in the Kubernetes
 * style. Cluster-scoped kinds have a null namespace.
 *
 * @param resourceVersion the store's version of the object, opaque to callers; set by the store on
 *     every write (spec or status). A put that carries one fails with a conflict if the stored
 *     object has another. Null on an object that was never stored (and on a put that does not care)
 * @param generation counts the changes of the spec (and labels), starting at 1; a status write does
 *     not change it. Conditions carry the generation they were computed from ({@link
 *     Condition#observedGeneration()}). Null on an object that was never stored
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ObjectMeta(
    String name,
    String namespace,
    Map<String, String> labels,
    String resourceVersion,
    Long generation) {
  public ObjectMeta {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public ObjectMeta(String name, String namespace, Map<String, String> labels) {
    this(name, namespace, labels, null, null);
  }

  public static ObjectMeta of(String name, String namespace) {
    return new ObjectMeta(name, namespace, Map.of());
  }

  public ObjectMeta withNamespace(String ns) {
    return new ObjectMeta(name, ns, labels, resourceVersion, generation);
  }

  public ObjectMeta withVersions(String newResourceVersion, Long newGeneration) {
    return new ObjectMeta(name, namespace, labels, newResourceVersion, newGeneration);
  }

  /** The same metadata without the store's numbers, for comparing what a user wrote. */
  public ObjectMeta withoutVersions() {
    return new ObjectMeta(name, namespace, labels, null, null);
  }
}
