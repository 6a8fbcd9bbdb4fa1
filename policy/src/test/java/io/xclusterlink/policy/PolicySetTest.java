package io.xclusterlink.policy;

import static io.xclusterlink.policy.Policies.ALL;
import static io.xclusterlink.policy.Policies.expr;
import static io.xclusterlink.policy.Policies.labels;
import static io.xclusterlink.policy.Policies.privileged;
import static io.xclusterlink.policy.Policies.regular;
import static io.xclusterlink.policy.Policies.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySetTest {
  private static final String NS = "shop";
  private static final Map<String, String> FROM_P2 =
      AttributeKeys.merge(
          AttributeKeys.peer("p2", Map.of("env", "prod")),
          AttributeKeys.client("web", "frontend", Map.of("app", "web")));
  private static final Map<String, String> TO_DB =
      AttributeKeys.merge(
          AttributeKeys.peer("p0", Map.of()),
          AttributeKeys.export("db", NS, Map.of("tier", "data")));

  private static final PrivilegedAccessPolicy PRIV_DENY =
      privileged("block-p2", "deny", labels(AttributeKeys.PEER_NAME, "p2"), ALL);
  private static final PrivilegedAccessPolicy PRIV_ALLOW =
      privileged("allow-p2", "allow", labels(AttributeKeys.PEER_NAME, "p2"), ALL);
  private static final AccessPolicy DENY =
      regular(NS, "deny-db", "deny", ALL, labels(AttributeKeys.EXPORT_NAME, "db"));
  private static final AccessPolicy ALLOW =
      regular(NS, "allow-db", "allow", ALL, labels(AttributeKeys.EXPORT_NAME, "db"));

  private static Decision decide(
      List<AccessPolicy> regular, List<PrivilegedAccessPolicy> privileged) {
    return PolicySet.of(regular, privileged).decide(NS, FROM_P2, TO_DB);
  }

  private static Decision.Deny defaultDeny() {
    return new Decision.Deny(null, "no policy allows it (default deny)");
  }

  @Test
  void privilegedDenyWinsOverEveryOtherLayer() {
    Decision d = decide(List.of(DENY, ALLOW), List.of(PRIV_DENY, PRIV_ALLOW));
    assertThat(d)
        .isEqualTo(
            new Decision.Deny(
                "PrivilegedAccessPolicy block-p2", "denied by PrivilegedAccessPolicy block-p2"));
    assertThat(d.allowed()).isFalse();
  }

  @Test
  void privilegedAllowWinsOverRegularDenyOnceThePrivilegedDenyIsRemoved() {
    Decision d = decide(List.of(DENY, ALLOW), List.of(PRIV_ALLOW));
    assertThat(d).isEqualTo(new Decision.Allow("PrivilegedAccessPolicy allow-p2"));
    assertThat(d.allowed()).isTrue();
  }

  @Test
  void regularDenyWinsOverRegularAllowWithoutPrivilegedPolicies() {
    assertThat(decide(List.of(DENY, ALLOW), List.of()))
        .isEqualTo(
            new Decision.Deny("AccessPolicy shop/deny-db", "denied by AccessPolicy shop/deny-db"));
  }

  @Test
  void regularAllowAllowsWhenNothingDenies() {
    assertThat(decide(List.of(ALLOW), List.of()))
        .isEqualTo(new Decision.Allow("AccessPolicy shop/allow-db"));
  }

  @Test
  void noPolicyMeansDefaultDeny() {
    assertThat(decide(List.of(), List.of())).isEqualTo(defaultDeny());
    assertThat(PolicySet.EMPTY.decide(NS, FROM_P2, TO_DB)).isEqualTo(defaultDeny());
    assertThat(PolicySet.EMPTY.size()).isZero();
  }

  @Test
  void peelingLayersOneByOneFollowsTheOrder() {
    List<AccessPolicy> regular = new ArrayList<>(List.of(DENY, ALLOW));
    List<PrivilegedAccessPolicy> privileged = new ArrayList<>(List.of(PRIV_DENY, PRIV_ALLOW));
    List<Decision> seen = new ArrayList<>();
    seen.add(decide(regular, privileged));
    privileged.remove(PRIV_DENY);
    seen.add(decide(regular, privileged));
    privileged.remove(PRIV_ALLOW);
    seen.add(decide(regular, privileged));
    regular.remove(DENY);
    seen.add(decide(regular, privileged));
    regular.remove(ALLOW);
    seen.add(decide(regular, privileged));
    assertThat(seen)
        .containsExactly(
            new Decision.Deny(
                "PrivilegedAccessPolicy block-p2", "denied by PrivilegedAccessPolicy block-p2"),
            new Decision.Allow("PrivilegedAccessPolicy allow-p2"),
            new Decision.Deny("AccessPolicy shop/deny-db", "denied by AccessPolicy shop/deny-db"),
            new Decision.Allow("AccessPolicy shop/allow-db"),
            defaultDeny());
  }

  @Test
  void privilegedDenyWinsOverRegularAllow() {
    assertThat(decide(List.of(ALLOW), List.of(PRIV_DENY)).allowed()).isFalse();
  }

  @Test
  void privilegedAllowWinsOverRegularDeny() {
    assertThat(decide(List.of(DENY), List.of(PRIV_ALLOW)).allowed()).isTrue();
  }

  @Test
  void privilegedDenyWinsOverPrivilegedAllowRegardlessOfNames() {
    // "a-allow" sorts before "z-deny", but the deny tier comes first.
    PrivilegedAccessPolicy allow = privileged("a-allow", "allow", ALL, ALL);
    PrivilegedAccessPolicy deny = privileged("z-deny", "deny", ALL, ALL);
    assertThat(decide(List.of(), List.of(allow, deny)))
        .isEqualTo(
            new Decision.Deny(
                "PrivilegedAccessPolicy z-deny", "denied by PrivilegedAccessPolicy z-deny"));
  }

  @Test
  void firstMatchingPolicyByNameDecidesWithinATier() {
    AccessPolicy b = regular(NS, "b", "deny", ALL, ALL);
    AccessPolicy a = regular(NS, "a", "deny", ALL, ALL);
    AccessPolicy c = regular(NS, "c", "allow", ALL, ALL);
    AccessPolicy a2 = regular(NS, "a2", "allow", ALL, ALL);
    assertThat(decide(List.of(c, b, a), List.of()))
        .isEqualTo(new Decision.Deny("AccessPolicy shop/a", "denied by AccessPolicy shop/a"));
    assertThat(decide(List.of(c, a2), List.of()))
        .isEqualTo(new Decision.Allow("AccessPolicy shop/a2"));
    PrivilegedAccessPolicy y = privileged("y", "allow", ALL, ALL);
    PrivilegedAccessPolicy x = privileged("x", "allow", ALL, ALL);
    assertThat(decide(List.of(), List.of(y, x)))
        .isEqualTo(new Decision.Allow("PrivilegedAccessPolicy x"));
  }

  @Test
  void regularPolicyInAnotherNamespaceIsIgnored() {
    PolicySet set =
        PolicySet.of(List.of(regular("other", "allow-all", "allow", ALL, ALL)), List.of());
    assertThat(set.decide(NS, FROM_P2, TO_DB)).isEqualTo(defaultDeny());
    assertThat(set.decide("other", FROM_P2, TO_DB))
        .isEqualTo(new Decision.Allow("AccessPolicy other/allow-all"));
  }

  @Test
  void regularDenyInAnotherNamespaceDoesNotDeny() {
    PolicySet set =
        PolicySet.of(
            List.of(
                regular("other", "deny-all", "deny", ALL, ALL),
                regular(NS, "allow-all", "allow", ALL, ALL)),
            List.of());
    assertThat(set.decide(NS, FROM_P2, TO_DB))
        .isEqualTo(new Decision.Allow("AccessPolicy shop/allow-all"));
  }

  @Test
  void privilegedPolicyAppliesInEveryNamespace() {
    PolicySet set = PolicySet.of(List.of(), List.of(privileged("allow-all", "allow", ALL, ALL)));
    Decision allow = new Decision.Allow("PrivilegedAccessPolicy allow-all");
    assertThat(set.decide(NS, FROM_P2, TO_DB)).isEqualTo(allow);
    assertThat(set.decide("anywhere", FROM_P2, TO_DB)).isEqualTo(allow);
    assertThat(set.decide(null, FROM_P2, TO_DB)).isEqualTo(allow);
  }

  @Test
  void nullNamespaceCountsNoRegularPolicy() {
    PolicySet set = PolicySet.of(List.of(ALLOW), List.of());
    assertThat(set.decide(null, FROM_P2, TO_DB)).isEqualTo(defaultDeny());
  }

  @Test
  void policyMatchesOnlyWhenBothFromAndToMatch() {
    PolicySet set =
        PolicySet.of(
            List.of(
                regular(
                    NS,
                    "p2-to-db",
                    "allow",
                    labels(AttributeKeys.PEER_NAME, "p2"),
                    labels(AttributeKeys.EXPORT_NAME, "db"))),
            List.of());
    assertThat(set.decide(NS, FROM_P2, TO_DB).allowed()).isTrue();
    assertThat(set.decide(NS, AttributeKeys.peer("p3", Map.of()), TO_DB).allowed()).isFalse();
    assertThat(set.decide(NS, FROM_P2, AttributeKeys.export("cache", NS, Map.of())).allowed())
        .isFalse();
    // from and to are not interchangeable
    assertThat(set.decide(NS, TO_DB, FROM_P2).allowed()).isFalse();
  }

  @Test
  void anyOfSeveralFromTermsMayMatch() {
    PolicySet set =
        PolicySet.of(
            List.of(
                regular(
                    NS,
                    "p1-or-p2",
                    "allow",
                    terms(
                        labels(AttributeKeys.PEER_NAME, "p1"),
                        labels(AttributeKeys.PEER_NAME, "p2")),
                    terms(ALL))),
            List.of());
    assertThat(set.decide(NS, AttributeKeys.peer("p1", Map.of()), TO_DB).allowed()).isTrue();
    assertThat(set.decide(NS, AttributeKeys.peer("p2", Map.of()), TO_DB).allowed()).isTrue();
    assertThat(set.decide(NS, AttributeKeys.peer("p3", Map.of()), TO_DB).allowed()).isFalse();
  }

  @Test
  void anyOfSeveralToTermsMayMatch() {
    PolicySet set =
        PolicySet.of(
            List.of(
                regular(
                    NS,
                    "db-or-prod",
                    "deny",
                    terms(ALL),
                    terms(
                        labels(AttributeKeys.EXPORT_NAME, "db"),
                        expr(AttributeKeys.EXPORT_LABEL_PREFIX + "env", "In", "prod")))),
            List.of());
    assertThat(set.decide(NS, FROM_P2, AttributeKeys.export("db", NS, Map.of())).allowed())
        .isFalse();
    assertThat(set.decide(NS, FROM_P2, AttributeKeys.export("cache", NS, Map.of("env", "prod"))))
        .isEqualTo(
            new Decision.Deny(
                "AccessPolicy shop/db-or-prod", "denied by AccessPolicy shop/db-or-prod"));
    assertThat(set.decide(NS, FROM_P2, AttributeKeys.export("cache", NS, Map.of("env", "dev"))))
        .isEqualTo(defaultDeny());
  }

  @Test
  void policiesSelectOnPeerLabelsExportLabelsAndClientAttributes() {
    PolicySet set =
        PolicySet.of(
            List.of(
                regular(
                    NS,
                    "prod-web-to-data",
                    "allow",
                    labels(
                        AttributeKeys.PEER_LABEL_PREFIX + "env",
                        "prod",
                        AttributeKeys.CLIENT_NAMESPACE,
                        "web",
                        AttributeKeys.CLIENT_SERVICE_ACCOUNT,
                        "frontend",
                        AttributeKeys.CLIENT_LABEL_PREFIX + "app",
                        "web"),
                    labels(
                        AttributeKeys.EXPORT_LABEL_PREFIX + "tier",
                        "data",
                        AttributeKeys.EXPORT_NAMESPACE,
                        NS))),
            List.of());
    assertThat(set.decide(NS, FROM_P2, TO_DB).allowed()).isTrue();
    Map<String, String> otherClient =
        AttributeKeys.merge(
            AttributeKeys.peer("p2", Map.of("env", "prod")),
            AttributeKeys.client("web", "batch", Map.of("app", "web")));
    assertThat(set.decide(NS, otherClient, TO_DB).allowed()).isFalse();
    Map<String, String> devPeer =
        AttributeKeys.merge(
            AttributeKeys.peer("p2", Map.of("env", "dev")),
            AttributeKeys.client("web", "frontend", Map.of("app", "web")));
    assertThat(set.decide(NS, devPeer, TO_DB).allowed()).isFalse();
  }

  @Test
  void notInOnAnAbsentAttributeLetsThePolicyMatch() {
    PolicySet set =
        PolicySet.of(
            List.of(
                regular(
                    NS,
                    "not-quarantined",
                    "allow",
                    expr(AttributeKeys.PEER_LABEL_PREFIX + "quarantine", "NotIn", "true"),
                    ALL)),
            List.of());
    assertThat(set.decide(NS, FROM_P2, TO_DB).allowed()).isTrue();
    assertThat(
            set.decide(NS, AttributeKeys.peer("p2", Map.of("quarantine", "true")), TO_DB).allowed())
        .isFalse();
  }

  @Test
  void nullAttributesCountAsEmpty() {
    PolicySet set = PolicySet.of(List.of(regular(NS, "all", "allow", ALL, ALL)), List.of());
    assertThat(set.decide(NS, null, null).allowed()).isTrue();
  }

  @Test
  void sizeCountsRegularAndPrivilegedPolicies() {
    assertThat(PolicySet.of(List.of(DENY, ALLOW), List.of(PRIV_ALLOW)).size()).isEqualTo(3);
  }

  @Test
  void rejectsAMissingActionNamingThePolicy() {
    assertThatThrownBy(() -> PolicySet.of(List.of(regular(NS, "bad", null, ALL, ALL)), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AccessPolicy shop/bad: spec.action: missing (expected one of: allow, deny)");
  }

  @Test
  void rejectsAMissingOperatorNamingThePolicyAndField() {
    assertThatThrownBy(
            () ->
                PolicySet.of(
                    List.of(), List.of(privileged("bad", "allow", ALL, expr("k", null, "v")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "PrivilegedAccessPolicy bad: spec.to[0].workloadSelector.matchExpressions[0].operator: missing"
                + " (expected one of: In, NotIn, Exists, DoesNotExist)");
  }
}
