package io.xclusterlink.gateway.access;

import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.policy.AttributeKeys;
import io.xclusterlink.policy.Decision;
import io.xclusterlink.policy.PolicySet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers the two per-connection questions — may this import reach that source (egress), may this
 * authenticated peer reach that export (ingress) — from in-memory state only. Thread-safe: the
 * control plane swaps state in, the event loops read it.
 */
public final class Authorizer {
  private final String self;
  private final Map<String, String> selfAttributes;
  private volatile PolicySet policies = PolicySet.EMPTY;
  private final Map<String, Export> exports = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> peerAttributes = new ConcurrentHashMap<>();

  public Authorizer(String self, Map<String, String> selfLabels) {
    this.self = self;
    this.selfAttributes = AttributeKeys.peer(self, selfLabels);
  }

  public String self() {
    return self;
  }

  public void setPolicies(PolicySet p) {
    policies = p;
  }

  public PolicySet policies() {
    return policies;
  }

  public void putExport(Export e) {
    exports.put(key(e.metadata().namespace(), e.metadata().name()), e);
  }

  public void removeExport(String namespace, String name) {
    exports.remove(key(namespace, name));
  }

  /** Records a remote peer's labels as learned from its latest heartbeat answer. */
  public void setPeerLabels(String peer, Map<String, String> labels) {
    peerAttributes.put(peer, AttributeKeys.peer(peer, labels));
  }

  public void forgetPeer(String peer) {
    peerAttributes.remove(peer);
  }

  public Export export(String namespace, String name) {
    return exports.get(key(namespace, name));
  }

  private Map<String, String> peerAttrs(String peer) {
    Map<String, String> a = peerAttributes.get(peer);
    return a != null ? a : AttributeKeys.peer(peer, Map.of());
  }

  /** The egress decision for one source of an import, in the import's namespace. */
  public Decision egress(Import imp, Import.Source source, Map<String, String> client) {
    String exportNs = exportNamespace(imp, source);
    Map<String, String> from = AttributeKeys.merge(selfAttributes, client);
    Map<String, String> to =
        AttributeKeys.merge(
            peerAttrs(source.peer()),
            AttributeKeys.export(source.exportName(), exportNs, imp.metadata().labels()));
    return policies.decide(imp.metadata().namespace(), from, to);
  }

  /** The ingress decision, with the peer identity taken from its certificate. */
  public Decision ingress(String peer, Export export, Map<String, String> client) {
    Map<String, String> from = AttributeKeys.merge(peerAttrs(peer), client);
    Map<String, String> to =
        AttributeKeys.merge(
            selfAttributes,
            AttributeKeys.export(
                export.metadata().name(),
                export.metadata().namespace(),
                export.metadata().labels()));
    return policies.decide(export.metadata().namespace(), from, to);
  }

  /** The source's export namespace; when the source leaves it out, the import's own. */
  public static String exportNamespace(Import imp, Import.Source source) {
    return source.exportNamespace() == null ? imp.metadata().namespace() : source.exportNamespace();
  }

  private static String key(String ns, String name) {
    return ns + "/" + name;
  }
}
