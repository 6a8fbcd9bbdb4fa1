package io.xclusterlink.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Admission rules for every kind. {@link #validate} throws an {@link InvalidObjectException} whose
 * message names the object, the field, the value and the expectation, e.g. {@code Import
 * default/db: spec.port: 70000 (expected: 1-65535)}.
 */
public final class Validation {
  /** Names are DNS labels or subdomains of at most 63 characters. */
  public static final int MAX_NAME = 63;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern LABEL_KEY =
      Pattern.compile("([a-z0-9A-Z]([-a-z0-9A-Z_./]*[a-z0-9A-Z])?)");
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private Validation() {}

  /**
   * Checks an object at admission.
   *
   * @param requireExportHost true in standalone mode, where there is no Service to default to
   */
  public static void validate(XclObject obj, boolean requireExportHost) {
    if (obj.metadata() == null) {
      throw new InvalidObjectException(
          obj.kind().kindName()
              + " <no name>: "
              + fail("metadata", "missing", "name").getMessage());
    }
    String where = obj.kind().kindName() + " " + describe(obj.metadata());
    try {
      name("metadata.name", obj.metadata().name());
      if (obj.kind().namespaced()) {
        name("metadata.namespace", obj.metadata().namespace());
      }
      labels("metadata.labels", obj.metadata().labels());
      if (obj instanceof Peer p) {
        peer(p);
      } else if (obj instanceof Export e) {
        export(e, requireExportHost);
      } else if (obj instanceof Import i) {
        importSpec(i);
      } else if (obj instanceof AccessPolicy a) {
        policy(a.spec());
      } else if (obj instanceof PrivilegedAccessPolicy a) {
        policy(a.spec());
      } else if (obj instanceof GatewayExIp g) {
        NetworkValidation.gatewayExIp(g);
      } else if (obj instanceof Vpc v) {
        NetworkValidation.vpc(v);
      } else if (obj instanceof VpcNatTunnel t) {
        NetworkValidation.tunnel(t);
      }
    } catch (InvalidObjectException e) {
      throw new InvalidObjectException(where + ": " + e.getMessage());
    }
  }

  private static String describe(ObjectMeta m) {
    String n = m.name() == null ? "<no name>" : m.name();
    return m.namespace() == null ? n : m.namespace() + "/" + n;
  }

  private static void peer(Peer p) {
    if (p.spec() == null || p.spec().gateways().isEmpty()) {
      throw fail("spec.gateways", "missing", "at least one {host, port}");
    }
    List<Peer.GatewayAddress> gws = p.spec().gateways();
    for (int i = 0; i < gws.size(); i++) {
      Peer.GatewayAddress g = gws.get(i);
      host("spec.gateways[" + i + "].host", g.host());
      port("spec.gateways[" + i + "].port", g.port());
    }
  }

  private static void export(Export e, boolean requireHost) {
    if (e.spec() == null) {
      throw fail("spec", "missing", "host and port");
    }
    if (requireHost || (e.spec().host() != null && !e.spec().host().isEmpty())) {
      host("spec.host", e.spec().host());
    }
    port("spec.port", e.spec().port());
  }

  private static void importSpec(Import imp) {
    Import.Spec s = imp.spec();
    if (s == null) {
      throw fail("spec", "missing", "port and sources");
    }
    port("spec.port", s.port());
    if (s.targetPort() != null) {
      port("spec.targetPort", s.targetPort());
    }
    LbScheme.parse(s.lbScheme());
    if (s.sources().isEmpty()) {
      throw fail("spec.sources", "missing", "at least one {peer, exportName, exportNamespace}");
    }
    for (int i = 0; i < s.sources().size(); i++) {
      Import.Source src = s.sources().get(i);
      String f = "spec.sources[" + i + "]";
      name(f + ".peer", src.peer());
      name(f + ".exportName", src.exportName());
      if (src.exportNamespace() != null) {
        name(f + ".exportNamespace", src.exportNamespace());
      }
      if (src.weight() != null && (src.weight() < 1 || src.weight() > 1000)) {
        throw fail(f + ".weight", String.valueOf(src.weight()), "1-1000");
      }
    }
  }

  private static void policy(PolicySpec s) {
    if (s == null) {
      throw fail("spec", "missing", "action, from, to");
    }
    if (!PolicySpec.ALLOW.equals(s.action()) && !PolicySpec.DENY.equals(s.action())) {
      throw fail(
          "spec.action", s.action() == null ? "missing" : "'" + s.action() + "'", "allow or deny");
    }
    terms("spec.from", s.from());
    terms("spec.to", s.to());
  }

  private static void terms(String field, List<PolicySpec.WorkloadSelectorTerm> terms) {
    if (terms.isEmpty()) {
      throw fail(field, "empty", "at least one workloadSelector ({} matches everything)");
    }
    for (int i = 0; i < terms.size(); i++) {
      String f = field + "[" + i + "].workloadSelector";
      PolicySpec.LabelSelector sel = terms.get(i) == null ? null : terms.get(i).workloadSelector();
      if (sel == null) {
        throw fail(f, "missing", "a label selector ({} matches everything)");
      }
      labels(f + ".matchLabels", sel.matchLabels());
      for (int j = 0; j < sel.matchExpressions().size(); j++) {
        requirement(f + ".matchExpressions[" + j + "]", sel.matchExpressions().get(j));
      }
    }
  }

  private static void requirement(String f, PolicySpec.Requirement r) {
    labelKey(f + ".key", r.key());
    if (r.operator() == null || !OPERATORS.contains(r.operator())) {
      throw fail(
          f + ".operator",
          r.operator() == null ? "missing" : "'" + r.operator() + "'",
          "one of In, NotIn, Exists, DoesNotExist");
    }
    boolean set = r.operator().equals("In") || r.operator().equals("NotIn");
    if (set && r.values().isEmpty()) {
      throw fail(f + ".values", "empty", "at least one value for " + r.operator());
    }
    if (!set && !r.values().isEmpty()) {
      throw fail(f + ".values", r.values().toString(), "no values for " + r.operator());
    }
  }

  private static void labels(String f, Map<String, String> labels) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      labelKey(f + " key", e.getKey());
      if (e.getValue() == null) {
        throw fail(f + "." + e.getKey(), "null", "a string value");
      }
    }
  }

  private static void labelKey(String f, String key) {
    if (key == null || key.isEmpty() || key.length() > 253 || !LABEL_KEY.matcher(key).matches()) {
      throw fail(
          f,
          key == null ? "missing" : "'" + key + "'",
          "a label key: letters, digits, '-', '_', '.', '/'");
    }
  }

  /** A name: a lower-case DNS label or subdomain of at most 63 characters. */
  public static void name(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw fail(field, "missing", "a name");
    }
    if (value.length() > MAX_NAME) {
      throw fail(
          field, "'" + value + "' has " + value.length() + " characters", "at most " + MAX_NAME);
    }
    if (!NAME.matcher(value).matches()) {
      throw fail(
          field,
          "'" + value + "'",
          "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
  }

  private static void host(String field, String value) {
    if (value == null || value.isBlank()) {
      throw fail(field, "missing", "a host name or IP address");
    }
    if (value.length() > 253 || value.chars().anyMatch(Character::isWhitespace)) {
      throw fail(field, "'" + value + "'", "a host name or IP address");
    }
  }

  /** A TCP port in 1-65535. */
  public static void port(String field, Integer value) {
    if (value == null) {
      throw fail(field, "missing", "1-65535");
    }
    if (value < 1 || value > 65535) {
      throw fail(field, String.valueOf(value), "1-65535");
    }
  }

  static InvalidObjectException fail(String field, String value, String expected) {
    return new InvalidObjectException(field + ": " + value + " (expected: " + expected + ")");
  }
}
