package io.xclusterlink.policy;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The attribute names policies select on, and helpers that build attribute maps for the {@code
 * from} and {@code to} sides of a connection. Every helper returns an unmodifiable map.
 */
public final class AttributeKeys {
  public static final String PEER_NAME = "peer.xclusterlink.io/name";
  public static final String PEER_LABEL_PREFIX = "peer.xclusterlink.io/labels.";
  public static final String CLIENT_NAMESPACE = "client.xclusterlink.io/namespace";
  public static final String CLIENT_SERVICE_ACCOUNT = "client.xclusterlink.io/service-account";
  public static final String CLIENT_LABEL_PREFIX = "client.xclusterlink.io/labels.";
  public static final String EXPORT_NAME = "export.xclusterlink.io/name";
  public static final String EXPORT_NAMESPACE = "export.xclusterlink.io/namespace";
  public static final String EXPORT_LABEL_PREFIX = "export.xclusterlink.io/labels.";

  private AttributeKeys() {}

  /**
   * A peer's attributes: {@link #PEER_NAME} and each label as {@code
   * peer.xclusterlink.io/labels.<k>}. Null or empty parts are omitted.
   */
  public static Map<String, String> peer(String name, Map<String, String> labels) {
    Map<String, String> m = new HashMap<>();
    put(m, PEER_NAME, name);
    putLabels(m, PEER_LABEL_PREFIX, labels);
    return Collections.unmodifiableMap(m);
  }

  /**
   * An export's attributes: {@link #EXPORT_NAME}, {@link #EXPORT_NAMESPACE} and each label as
   * {@code export.xclusterlink.io/labels.<k>}. Null or empty parts are omitted.
   */
  public static Map<String, String> export(
      String name, String namespace, Map<String, String> labels) {
    Map<String, String> m = new HashMap<>();
    put(m, EXPORT_NAME, name);
    put(m, EXPORT_NAMESPACE, namespace);
    putLabels(m, EXPORT_LABEL_PREFIX, labels);
    return Collections.unmodifiableMap(m);
  }

  /**
   * A client workload's attributes: {@link #CLIENT_NAMESPACE}, {@link #CLIENT_SERVICE_ACCOUNT} and
   * each label as {@code client.xclusterlink.io/labels.<k>}. Null or empty parts are omitted.
   */
  public static Map<String, String> client(
      String namespace, String serviceAccount, Map<String, String> labels) {
    Map<String, String> m = new HashMap<>();
    put(m, CLIENT_NAMESPACE, namespace);
    put(m, CLIENT_SERVICE_ACCOUNT, serviceAccount);
    putLabels(m, CLIENT_LABEL_PREFIX, labels);
    return Collections.unmodifiableMap(m);
  }

  /**
   * The union of several attribute maps; null parts and null keys or values are skipped. When two
   * parts hold the same key the <em>first</em> one wins, so pass the trusted parts (own peer, the
   * peer authenticated by its certificate) before attributes received from elsewhere: a client map
   * sent by another gateway cannot then override {@code peer.xclusterlink.io/name}.
   */
  @SafeVarargs
  public static Map<String, String> merge(Map<String, String>... parts) {
    if (parts == null || parts.length == 0) {
      return Map.of();
    }
    int size = 0;
    for (Map<String, String> p : parts) {
      size += p == null ? 0 : p.size();
    }
    Map<String, String> m = new HashMap<>(Math.max(4, size * 4 / 3 + 1));
    for (Map<String, String> p : parts) {
      if (p == null) {
        continue;
      }
      for (Map.Entry<String, String> e : p.entrySet()) {
        if (e.getKey() != null && e.getValue() != null) {
          m.putIfAbsent(e.getKey(), e.getValue());
        }
      }
    }
    return Collections.unmodifiableMap(m);
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null && !value.isEmpty()) {
      m.put(key, value);
    }
  }

  private static void putLabels(Map<String, String> m, String prefix, Map<String, String> labels) {
    if (labels == null) {
      return;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (e.getKey() != null && !e.getKey().isEmpty() && e.getValue() != null) {
        m.put(prefix + e.getKey(), e.getValue());
      }
    }
  }
}
