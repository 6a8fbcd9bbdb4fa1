package io.xclusterlink.api;

import static io.xclusterlink.api.SampleObjects.accessPolicy;
import static io.xclusterlink.api.SampleObjects.everything;
import static io.xclusterlink.api.SampleObjects.importOf;
import static io.xclusterlink.api.SampleObjects.importWithSource;
import static io.xclusterlink.api.SampleObjects.privilegedPolicy;
import static io.xclusterlink.api.SampleObjects.term;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.xclusterlink.api.PolicySpec.LabelSelector;
import io.xclusterlink.api.PolicySpec.Requirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {
  private static final boolean STANDALONE = true;
  private static final boolean KUBERNETES = false;

  @ParameterizedTest(name = "requireExportHost={0}")
  @ValueSource(booleans = {true, false})
  void acceptsValidObjectsOfEveryKind(boolean requireExportHost) {
    for (XclObject obj : SampleObjects.everyKind()) {
      assertThatCode(() -> Validation.validate(obj, requireExportHost))
          .as(obj.key().toString())
          .doesNotThrowAnyException();
    }
  }

  @ParameterizedTest(name = "requireExportHost={0}")
  @ValueSource(booleans = {true, false})
  void acceptsEveryKindReadFromYaml(boolean requireExportHost) {
    List<XclObject> read = ObjectCodec.readYaml(ObjectCodec.toYaml(SampleObjects.everyKind()));

    assertThat(read).hasSize(Kind.values().length);
    read.forEach(obj -> Validation.validate(obj, requireExportHost));
  }

  @Test
  void prefixesMessagesWithKindNamespaceAndName() {
    Import imp = importOf(new Import.Spec(70000, null, SampleObjects.importSpec().sources(), null));

    assertThat(messageOf(imp, KUBERNETES))
        .isEqualTo("Import prod/db: spec.port: 70000 (expected: 1-65535)");
  }

  @Test
  void rejectsNameLongerThan63CharactersShowingTheLength() {
    String name = "a".repeat(64);
    Import imp = SampleObjects.importObject().withMetadata(ObjectMeta.of(name, "prod"));

    assertThat(messageOf(imp, KUBERNETES))
        .contains("metadata.name: '" + name + "'")
        .contains("has 64 characters")
        .contains("(expected: at most 63)");
  }

  @Test
  void acceptsNameOfExactly63Characters() {
    Import imp = SampleObjects.importObject().withMetadata(ObjectMeta.of("a".repeat(63), "prod"));

    assertThatCode(() -> Validation.validate(imp, KUBERNETES)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"DB", "db_1", "db 1", "-db", "db-", ".db", "db/x", "dé"})
  void rejectsNameWithBadCharacters(String name) {
    Export export = SampleObjects.export().withMetadata(ObjectMeta.of(name, "prod"));

    assertThat(messageOf(export, STANDALONE))
        .contains("metadata.name: '" + name + "'")
        .contains("expected: lower-case letters, digits, '-' and '.'");
  }

  @Test
  void rejectsMissingName() {
    Export export = SampleObjects.export().withMetadata(ObjectMeta.of(null, "prod"));

    assertThat(messageOf(export, STANDALONE))
        .isEqualTo("Export prod/<no name>: metadata.name: missing (expected: a name)");
  }

  @Test
  void rejectsMissingMetadata() {
    Export export = new Export(null, new Export.Spec("h", 1), null);

    assertThat(messageOf(export, STANDALONE)).contains("metadata: missing");
  }

  @Test
  void rejectsBadNamespaceOfNamespacedKinds() {
    Export export = SampleObjects.export().withMetadata(ObjectMeta.of("db", "Prod"));

    assertThat(messageOf(export, STANDALONE)).contains("metadata.namespace: 'Prod'");
  }

  @Test
  void acceptsClusterScopedKindsWithoutNamespace() {
    assertThatCode(() -> Validation.validate(SampleObjects.peer(), STANDALONE))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> Validation.validate(privilegedPolicy(SampleObjects.allowAll()), STANDALONE))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsBadMetadataLabelKey() {
    Export export =
        SampleObjects.export().withMetadata(new ObjectMeta("db", "prod", Map.of("bad key", "v")));

    assertThat(messageOf(export, STANDALONE))
        .contains("metadata.labels key: 'bad key'")
        .contains("expected: a label key");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536, 70000})
  void rejectsExportPortOutOfRange(int port) {
    Export export = new Export(ObjectMeta.of("db", "prod"), new Export.Spec("h", port), null);

    assertThat(messageOf(export, KUBERNETES))
        .endsWith("spec.port: " + port + " (expected: 1-65535)");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 65535})
  void acceptsPortsAtTheEdgesOfTheRange(int port) {
    Export export = new Export(ObjectMeta.of("db", "prod"), new Export.Spec("h", port), null);

    assertThatCode(() -> Validation.validate(export, STANDALONE)).doesNotThrowAnyException();
  }

  @Test
  void rejectsMissingExportPort() {
    Export export = new Export(ObjectMeta.of("db", "prod"), new Export.Spec("h", null), null);

    assertThat(messageOf(export, KUBERNETES)).endsWith("spec.port: missing (expected: 1-65535)");
  }

  @Test
  void rejectsExportWithoutHostInStandaloneMode() {
    Export export = new Export(ObjectMeta.of("db", "prod"), new Export.Spec(null, 5432), null);

    assertThat(messageOf(export, STANDALONE))
        .isEqualTo("Export prod/db: spec.host: missing (expected: a host name or IP address)");
    Export emptyHost = new Export(ObjectMeta.of("db", "prod"), new Export.Spec("", 5432), null);
    assertThat(messageOf(emptyHost, STANDALONE)).contains("spec.host: missing");
  }

  @Test
  void acceptsExportWithoutHostInKubernetesMode() {
    Export noHost = new Export(ObjectMeta.of("db", "prod"), new Export.Spec(null, 5432), null);

    assertThatCode(() -> Validation.validate(noHost, KUBERNETES)).doesNotThrowAnyException();
    Export emptyHost = new Export(ObjectMeta.of("db", "prod"), new Export.Spec("", 5432), null);
    assertThatCode(() -> Validation.validate(emptyHost, KUBERNETES)).doesNotThrowAnyException();
  }

  @Test
  void rejectsExportHostWithWhitespaceInEitherMode() {
    Export export = new Export(ObjectMeta.of("db", "prod"), new Export.Spec("db local", 1), null);

    assertThat(messageOf(export, KUBERNETES)).contains("spec.host: 'db local'");
    assertThat(messageOf(export, STANDALONE)).contains("spec.host: 'db local'");
  }

  @Test
  void rejectsExportWithoutSpec() {
    Export export = new Export(ObjectMeta.of("db", "prod"), null, null);

    assertThat(messageOf(export, KUBERNETES)).endsWith("spec: missing (expected: host and port)");
  }

  @Test
  void rejectsImportWithoutSources() {
    Import imp = importOf(new Import.Spec(5432, null, List.of(), null));

    assertThat(messageOf(imp, KUBERNETES))
        .startsWith("Import prod/db: spec.sources: missing (expected: at least one {peer,");
  }

  @Test
  void rejectsImportPortAndTargetPortOutOfRange() {
    List<Import.Source> sources = SampleObjects.importSpec().sources();

    assertThat(messageOf(importOf(new Import.Spec(0, null, sources, null)), KUBERNETES))
        .endsWith("spec.port: 0 (expected: 1-65535)");
    assertThat(messageOf(importOf(new Import.Spec(80, 70000, sources, null)), KUBERNETES))
        .endsWith("spec.targetPort: 70000 (expected: 1-65535)");
  }

  @Test
  void rejectsUnknownLbSchemeNamingTheFieldAndChoices() {
    Import imp =
        importOf(new Import.Spec(80, null, SampleObjects.importSpec().sources(), "fastest"));

    assertThat(messageOf(imp, KUBERNETES))
        .isEqualTo(
            "Import prod/db: spec.lbScheme: 'fastest' (expected one of: round-robin, random,"
                + " static)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"round-robin", "random", "static", ""})
  void acceptsEveryLbScheme(String scheme) {
    Import imp = importOf(new Import.Spec(80, null, SampleObjects.importSpec().sources(), scheme));

    assertThatCode(() -> Validation.validate(imp, KUBERNETES)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -5, 1001})
  void rejectsSourceWeightOutOfRange(int weight) {
    Import imp = importWithSource(new Import.Source("west", "db", null, weight));

    assertThat(messageOf(imp, KUBERNETES))
        .endsWith("spec.sources[0].weight: " + weight + " (expected: 1-1000)");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 1000})
  void acceptsSourceWeightAtTheEdges(int weight) {
    Import imp = importWithSource(new Import.Source("west", "db", null, weight));

    assertThatCode(() -> Validation.validate(imp, KUBERNETES)).doesNotThrowAnyException();
  }

  @Test
  void rejectsSourceWithoutPeerOrWithBadExportName() {
    assertThat(messageOf(importWithSource(new Import.Source(null, "db", null)), KUBERNETES))
        .endsWith("spec.sources[0].peer: missing (expected: a name)");
    assertThat(messageOf(importWithSource(new Import.Source("west", "DB", null)), KUBERNETES))
        .contains("spec.sources[0].exportName: 'DB'");
    assertThat(messageOf(importWithSource(new Import.Source("west", "db", "Prod")), KUBERNETES))
        .contains("spec.sources[0].exportNamespace: 'Prod'");
  }

  @Test
  void rejectsImportNameLongerThan63Characters() {
    Import imp = SampleObjects.importObject().withMetadata(ObjectMeta.of("i".repeat(70), "prod"));

    assertThat(messageOf(imp, KUBERNETES)).contains("has 70 characters (expected: at most 63)");
  }

  @Test
  void rejectsPeerWithoutGateways() {
    Peer peer = new Peer(ObjectMeta.of("west", null), new Peer.Spec(List.of()), null);

    assertThat(messageOf(peer, STANDALONE))
        .isEqualTo("Peer west: spec.gateways: missing (expected: at least one {host, port})");
    assertThat(messageOf(new Peer(ObjectMeta.of("west", null), null, null), STANDALONE))
        .contains("spec.gateways: missing");
  }

  @Test
  void rejectsPeerGatewayWithBadPortOrHostNamingTheEntry() {
    Peer badPort =
        new Peer(
            ObjectMeta.of("west", null),
            new Peer.Spec(
                List.of(new Peer.GatewayAddress("a", 443), new Peer.GatewayAddress("b", 0))),
            null);
    Peer noHost =
        new Peer(
            ObjectMeta.of("west", null),
            new Peer.Spec(List.of(new Peer.GatewayAddress(" ", 443))),
            null);

    assertThat(messageOf(badPort, STANDALONE))
        .endsWith("spec.gateways[1].port: 0 (expected: 1-65535)");
    assertThat(messageOf(noHost, STANDALONE)).contains("spec.gateways[0].host: missing");
  }

  @Test
  void rejectsPolicyWithEmptyFrom() {
    PolicySpec spec = new PolicySpec(PolicySpec.ALLOW, List.of(), List.of(term(everything())));

    assertThat(messageOf(accessPolicy(spec), KUBERNETES))
        .isEqualTo(
            "AccessPolicy prod/deny-dev: spec.from: empty (expected: at least one workloadSelector"
                + " ({} matches everything))");
  }

  @Test
  void rejectsPrivilegedPolicyWithEmptyTo() {
    PolicySpec spec = new PolicySpec(PolicySpec.DENY, List.of(term(everything())), null);

    assertThat(messageOf(privilegedPolicy(spec), KUBERNETES))
        .startsWith("PrivilegedAccessPolicy allow-all: spec.to: empty (expected:");
  }

  @Test
  void rejectsPolicyTermWithoutSelector() {
    PolicySpec spec =
        new PolicySpec(PolicySpec.ALLOW, List.of(term(everything())), List.of(term(null)));

    assertThat(messageOf(accessPolicy(spec), KUBERNETES))
        .contains("spec.to[0].workloadSelector: missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"permit", "Allow", "DENY", ""})
  void rejectsPolicyActionOtherThanAllowOrDeny(String action) {
    PolicySpec spec =
        new PolicySpec(action, List.of(term(everything())), List.of(term(everything())));

    assertThat(messageOf(accessPolicy(spec), KUBERNETES))
        .endsWith("spec.action: '" + action + "' (expected: allow or deny)");
  }

  @Test
  void rejectsPolicyWithoutAction() {
    PolicySpec spec =
        new PolicySpec(null, List.of(term(everything())), List.of(term(everything())));

    assertThat(messageOf(privilegedPolicy(spec), KUBERNETES))
        .endsWith("spec.action: missing (expected: allow or deny)");
  }

  @Test
  void rejectsPolicyWithoutSpec() {
    assertThat(messageOf(accessPolicy(null), KUBERNETES))
        .endsWith("spec: missing (expected: action, from, to)");
  }

  @Test
  void rejectsUnknownOperator() {
    assertThat(messageOf(policyWith(new Requirement("env", "Equals", List.of("x"))), KUBERNETES))
        .endsWith(
            "spec.from[0].workloadSelector.matchExpressions[0].operator: 'Equals'"
                + " (expected: one of In, NotIn, Exists, DoesNotExist)");
    assertThat(messageOf(policyWith(new Requirement("env", null, null)), KUBERNETES))
        .contains("operator: missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"In", "NotIn"})
  void rejectsSetOperatorWithoutValues(String operator) {
    assertThat(messageOf(policyWith(new Requirement("env", operator, List.of())), KUBERNETES))
        .endsWith(
            "spec.from[0].workloadSelector.matchExpressions[0].values: empty"
                + " (expected: at least one value for "
                + operator
                + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Exists", "DoesNotExist"})
  void rejectsExistenceOperatorWithValues(String operator) {
    assertThat(messageOf(policyWith(new Requirement("env", operator, List.of("x"))), KUBERNETES))
        .endsWith(
            "spec.from[0].workloadSelector.matchExpressions[0].values: [x]"
                + " (expected: no values for "
                + operator
                + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bad key", "-env", "env-", "a:b", "ünï"})
  void rejectsBadLabelKeyInExpressions(String key) {
    assertThat(messageOf(policyWith(new Requirement(key, "Exists", null)), KUBERNETES))
        .contains("spec.from[0].workloadSelector.matchExpressions[0].key: '" + key + "'")
        .contains("expected: a label key");
  }

  @Test
  void rejectsLabelKeyLongerThan253Characters() {
    String key = "k".repeat(254);

    assertThat(messageOf(policyWith(new Requirement(key, "Exists", null)), KUBERNETES))
        .contains(".key: '" + key + "'");
  }

  @Test
  void rejectsBadLabelKeyInMatchLabels() {
    PolicySpec spec =
        new PolicySpec(
            PolicySpec.ALLOW,
            List.of(term(everything())),
            List.of(term(new LabelSelector(Map.of("has space", "v"), null))));

    assertThat(messageOf(accessPolicy(spec), KUBERNETES))
        .contains("spec.to[0].workloadSelector.matchLabels key: 'has space'");
  }

  @Test
  void acceptsAttributeKeysWithPrefixesAndDots() {
    PolicySpec spec =
        new PolicySpec(
            PolicySpec.ALLOW,
            List.of(
                term(new LabelSelector(Map.of("peer.xclusterlink.io/labels.env", "prod"), null))),
            List.of(
                term(
                    new LabelSelector(
                        Map.of("export.xclusterlink.io/name", "db", "App_Name", "x"), null))));

    assertThatCode(() -> Validation.validate(accessPolicy(spec), KUBERNETES))
        .doesNotThrowAnyException();
  }

  @Test
  void portAndNameChecksAreUsableOnTheirOwn() {
    assertThat(catchThrowable(() -> Validation.port("port", 70000)))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage("port: 70000 (expected: 1-65535)");
    assertThat(catchThrowable(() -> Validation.name("name", "Bad")))
        .hasMessageStartingWith("name: 'Bad' (expected:");
    assertThatCode(() -> Validation.name("name", "west.example.com")).doesNotThrowAnyException();
  }

  private static AccessPolicy policyWith(Requirement requirement) {
    return accessPolicy(
        new PolicySpec(
            PolicySpec.ALLOW,
            List.of(term(new LabelSelector(null, List.of(requirement)))),
            List.of(term(everything()))));
  }

  private static String messageOf(XclObject obj, boolean requireExportHost) {
    Throwable thrown = catchThrowable(() -> Validation.validate(obj, requireExportHost));
    assertThat(thrown).isInstanceOf(InvalidObjectException.class);
    assertThat(thrown.getMessage()).doesNotContain("\n");
    return thrown.getMessage();
  }
}
