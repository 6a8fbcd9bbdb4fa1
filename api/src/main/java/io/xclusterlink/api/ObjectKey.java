package io.xclusterlink.api;

/** Identifies one object: its kind, namespace (null for cluster-scoped kinds) and name. */
public record ObjectKey(Kind kind, String namespace, String name) {
  @Override
  public String toString() {
    return kind.kindName() + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
