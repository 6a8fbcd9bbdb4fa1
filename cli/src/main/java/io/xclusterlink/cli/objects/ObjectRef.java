package io.xclusterlink.cli.objects;

import java.util.Locale;

/**
 * How the CLI names an object in its output: {@code import default/web}, or {@code peer east} for
 * cluster-scoped kinds.
 */
record ObjectRef(String kindName, String namespace, String name) {
  @Override
  public String toString() {
    String kind = kindName.toLowerCase(Locale.ROOT);
    return namespace == null || namespace.isEmpty()
        ? kind + " " + name
        : kind + " " + namespace + "/" + name;
  }
}
