package io.xclusterlink.policy;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, indexed set of policies. {@link #decide} is thread-safe and allocation-light; it is
 * on the per-connection hot path.
 *
 * <p>A policy matches a connection when any of its {@code from} selectors matches the {@code from}
 * attributes and any of its {@code to} selectors matches the {@code to} attributes. The tiers are
 * tried in order — privileged deny, privileged allow, regular deny, regular allow — and within a
 * tier policies by name; the first match decides. With no match the answer is the default deny.
 */
public final class PolicySet {
  private static final Decision DEFAULT_DENY =
      new Decision.Deny(null, "no policy allows it (default deny)");

  public static final PolicySet EMPTY = of(List.of(), List.of());

  private final PolicyTier privilegedDeny;
  private final PolicyTier privilegedAllow;
  private final Map<String, NamespaceTiers> regular;
  private final int regularCount;
  private final int privilegedCount;

  private PolicySet(
      PolicyTier privilegedDeny,
      PolicyTier privilegedAllow,
      Map<String, NamespaceTiers> regular,
      int regularCount,
      int privilegedCount) {
    this.privilegedDeny = privilegedDeny;
    this.privilegedAllow = privilegedAllow;
    this.regular = regular;
    this.regularCount = regularCount;
    this.privilegedCount = privilegedCount;
  }

  /**
   * Compiles and indexes policies. Policies are expected to have passed admission validation.
   *
   * @throws IllegalArgumentException naming the policy if one is malformed (no name or namespace,
   *     an action other than allow/deny, a missing selector, an unknown operator, ...)
   */
  public static PolicySet of(
      Collection<AccessPolicy> regular, Collection<PrivilegedAccessPolicy> privileged) {
    Objects.requireNonNull(regular, "regular");
    Objects.requireNonNull(privileged, "privileged");

    List<CompiledPolicy> privDeny = new ArrayList<>();
    List<CompiledPolicy> privAllow = new ArrayList<>();
    for (PrivilegedAccessPolicy p : privileged) {
      Objects.requireNonNull(p, "privileged policy");
      String name = p.metadata() == null ? null : p.metadata().name();
      String described = "PrivilegedAccessPolicy " + name;
      requireName(described, name);
      CompiledPolicy c = CompiledPolicy.compile(name, described, p.spec());
      (c.deny ? privDeny : privAllow).add(c);
    }

    Map<String, List<CompiledPolicy>> denyByNs = new HashMap<>();
    Map<String, List<CompiledPolicy>> allowByNs = new HashMap<>();
    for (AccessPolicy p : regular) {
      Objects.requireNonNull(p, "regular policy");
      String name = p.metadata() == null ? null : p.metadata().name();
      String ns = p.metadata() == null ? null : p.metadata().namespace();
      String described = "AccessPolicy " + ns + "/" + name;
      requireName(described, name);
      if (ns == null || ns.isEmpty()) {
        throw new IllegalArgumentException(
            described + ": metadata.namespace: missing (expected: a namespace)");
      }
      CompiledPolicy c = CompiledPolicy.compile(name, described, p.spec());
      (c.deny ? denyByNs : allowByNs).computeIfAbsent(ns, k -> new ArrayList<>()).add(c);
    }

    Map<String, NamespaceTiers> byNs = new HashMap<>();
    for (String ns : union(denyByNs, allowByNs)) {
      byNs.put(
          ns,
          new NamespaceTiers(
              PolicyTier.of(denyByNs.getOrDefault(ns, List.of())),
              PolicyTier.of(allowByNs.getOrDefault(ns, List.of()))));
    }
    return new PolicySet(
        PolicyTier.of(privDeny), PolicyTier.of(privAllow), byNs, regular.size(), privileged.size());
  }

  /**
   * Decides one connection on one side.
   *
   * @param namespace the Import's namespace on the egress side, the Export's namespace on the
   *     ingress side; regular policies count only in that namespace, privileged ones everywhere.
   *     Null means no regular policy counts.
   * @param from attributes of the source (null counts as empty)
   * @param to attributes of the destination (null counts as empty)
   */
  public Decision decide(String namespace, Map<String, String> from, Map<String, String> to) {
    Map<String, String> f = from == null ? Map.of() : from;
    Map<String, String> t = to == null ? Map.of() : to;
    CompiledPolicy p = privilegedDeny.first(f, t);
    if (p == null) {
      p = privilegedAllow.first(f, t);
    }
    if (p == null && namespace != null) {
      NamespaceTiers tiers = regular.get(namespace);
      if (tiers != null) {
        p = tiers.deny.first(f, t);
        if (p == null) {
          p = tiers.allow.first(f, t);
        }
      }
    }
    return p == null ? DEFAULT_DENY : p.decision;
  }

  /** The number of policies, regular and privileged. */
  public int size() {
    return regularCount + privilegedCount;
  }

  @Override
  public String toString() {
    return "PolicySet[regular=" + regularCount + ", privileged=" + privilegedCount + "]";
  }

  private static void requireName(String described, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(described + ": metadata.name: missing (expected: a name)");
    }
  }

  private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
    List<String> keys = new ArrayList<>(a.keySet());
    for (String k : b.keySet()) {
      if (!a.containsKey(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  /** The regular deny and allow tiers of one namespace. */
  private static final class NamespaceTiers {
    final PolicyTier deny;
    final PolicyTier allow;

    NamespaceTiers(PolicyTier deny, PolicyTier allow) {
      this.deny = deny;
      this.allow = allow;
    }
  }
}
