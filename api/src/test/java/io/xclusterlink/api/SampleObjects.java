package io.xclusterlink.api;

import io.xclusterlink.api.PolicySpec.LabelSelector;
import io.xclusterlink.api.PolicySpec.Requirement;
import io.xclusterlink.api.PolicySpec.WorkloadSelectorTerm;
import java.util.List;
import java.util.Map;

/** Valid objects of every kind, built in code, for the codec and validation tests. */
final class SampleObjects {
  private SampleObjects() {}

  static Peer peer() {
    return new Peer(
        new ObjectMeta("west.example.com", null, Map.of("region", "eu")),
        new Peer.Spec(
            List.of(
                new Peer.GatewayAddress("10.0.0.1", 443),
                new Peer.GatewayAddress("relay.example.com", 8443))),
        null);
  }

  static Export export() {
    return new Export(
        new ObjectMeta("db", "prod", Map.of("app", "db")), new Export.Spec("db.local", 5432), null);
  }

  static Import importOf(Import.Spec spec) {
    return new Import(ObjectMeta.of("db", "prod"), spec, null);
  }

  static Import.Spec importSpec() {
    return new Import.Spec(
        5432,
        null,
        List.of(
            new Import.Source("west.example.com", "db", "prod"),
            new Import.Source("east.example.com", "db", null, 3)),
        "static");
  }

  static Import importObject() {
    return importOf(importSpec());
  }

  static Import importWithSource(Import.Source source) {
    return importOf(new Import.Spec(5432, null, List.of(source), null));
  }

  static LabelSelector everything() {
    return new LabelSelector(null, null);
  }

  static WorkloadSelectorTerm term(LabelSelector selector) {
    return new WorkloadSelectorTerm(selector);
  }

  static PolicySpec allowAll() {
    return new PolicySpec(
        PolicySpec.ALLOW, List.of(term(everything())), List.of(term(everything())));
  }

  static PolicySpec policySpec() {
    return new PolicySpec(
        PolicySpec.DENY,
        List.of(
            term(
                new LabelSelector(
                    Map.of("peer.xclusterlink.io/name", "west.example.com"),
                    List.of(new Requirement("env", "In", List.of("dev", "test")))))),
        List.of(
            term(
                new LabelSelector(
                    null,
                    List.of(
                        new Requirement("export.xclusterlink.io/name", "Exists", null),
                        new Requirement("tier", "NotIn", List.of("gold")),
                        new Requirement("legacy", "DoesNotExist", List.of()))))));
  }

  static AccessPolicy accessPolicy(PolicySpec spec) {
    return new AccessPolicy(ObjectMeta.of("deny-dev", "prod"), spec, null);
  }

  static PrivilegedAccessPolicy privilegedPolicy(PolicySpec spec) {
    return new PrivilegedAccessPolicy(ObjectMeta.of("allow-all", null), spec, null);
  }

  static GatewayExIp gatewayExIp() {
    return new GatewayExIp(
        new ObjectMeta("a-g1", "default", java.util.Map.of()),
        new GatewayExIp.Spec(
            List.of("192.168.100.11"),
            null,
            null,
            "vpc-a",
            "a-g1",
            "100.64.0.11",
            "10.10.0.11",
            List.of("10.10.0.0/16")),
        null);
  }

  static Vpc vpc() {
    return new Vpc(
        ObjectMeta.of("vpc-a", "default"),
        new Vpc.Spec(List.of("10.10.0.0/16"), null, new Vpc.Router("10.10.0.1")),
        null);
  }

  static VpcNatTunnel tunnel(String type) {
    return new VpcNatTunnel(
        ObjectMeta.of("to-b", "default"),
        new VpcNatTunnel.Spec("vpc-a", "b", "vpc-b", "100.64.0.0/24", type, null, null, null),
        null);
  }

  /** One valid object of every kind, already normalised (as read back from YAML). */
  static List<XclObject> everyKind() {
    return List.of(
        peer(),
        export(),
        importObject(),
        accessPolicy(policySpec()),
        privilegedPolicy(allowAll()),
        gatewayExIp(),
        vpc(),
        tunnel("vxlan"));
  }
}
