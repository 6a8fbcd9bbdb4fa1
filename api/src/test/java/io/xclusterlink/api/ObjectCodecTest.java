package io.xclusterlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ObjectCodecTest {
  private static final String HEADER = "apiVersion: xclusterlink.io/v1alpha1\n";

  private static final String EVERY_KIND =
      """
      apiVersion: xclusterlink.io/v1alpha1
      kind: Peer
      metadata:
        name: west.example.com
        labels:
          region: eu
      spec:
        gateways:
        - host: 10.0.0.1
          port: 443
        - host: relay.example.com
          port: 8443
      ---
      apiVersion: xclusterlink.io/v1alpha1
      kind: Export
      metadata:
        name: db
        namespace: prod
      spec:
        host: db.local
        port: 5432
      ---
      apiVersion: xclusterlink.io/v1alpha1
      kind: Import
      metadata:
        name: db
        namespace: prod
      spec:
        port: 5432
        targetPort: 15432
        lbScheme: random
        sources:
        - peer: west.example.com
          exportName: db
          exportNamespace: prod
          weight: 2
        - peer: east.example.com
          exportName: db
      ---
      apiVersion: xclusterlink.io/v1alpha1
      kind: AccessPolicy
      metadata:
        name: deny-dev
        namespace: prod
      spec:
        action: deny
        from:
        - workloadSelector:
            matchLabels:
              peer.xclusterlink.io/name: west.example.com
            matchExpressions:
            - key: env
              operator: In
              values: [dev, test]
        to:
        - workloadSelector: {}
      ---
      apiVersion: xclusterlink.io/v1alpha1
      kind: PrivilegedAccessPolicy
      metadata:
        name: allow-all
      spec:
        action: allow
        from:
        - workloadSelector: {}
        to:
        - workloadSelector: {}
      """;

  @Test
  void readsEveryKindFromOneMultiDocumentStream() {
    List<XclObject> objects = ObjectCodec.readYaml(EVERY_KIND);

    assertThat(objects)
        .extracting(XclObject::kind)
        .containsExactly(
            Kind.PEER, Kind.EXPORT, Kind.IMPORT, Kind.ACCESS_POLICY, Kind.PRIVILEGED_ACCESS_POLICY);
    Import imp = (Import) objects.get(2);
    assertThat(imp.spec().targetPort()).isEqualTo(15432);
    assertThat(imp.spec().scheme()).isEqualTo(LbScheme.RANDOM);
    assertThat(imp.spec().sources())
        .containsExactly(
            new Import.Source("west.example.com", "db", "prod", 2),
            new Import.Source("east.example.com", "db", null, null));
    AccessPolicy policy = (AccessPolicy) objects.get(3);
    assertThat(policy.spec().from().get(0).workloadSelector().matchExpressions())
        .containsExactly(new PolicySpec.Requirement("env", "In", List.of("dev", "test")));
    assertThat(policy.spec().to().get(0).workloadSelector().matchLabels()).isEmpty();
  }

  @Test
  void roundTripsEveryKindThroughYaml() {
    List<XclObject> first = ObjectCodec.readYaml(EVERY_KIND);

    List<XclObject> second = ObjectCodec.readYaml(ObjectCodec.toYaml(first));

    assertThat(second).hasSize(5).isEqualTo(first);
  }

  @Test
  void roundTripsObjectsBuiltInCodeThroughYaml() {
    List<XclObject> objects = SampleObjects.everyKind();

    assertThat(ObjectCodec.readYaml(ObjectCodec.toYaml(objects))).isEqualTo(objects);
  }

  @Test
  void writesDocumentsSeparatedByMarkersWithApiVersionAndKindFirst() {
    String yaml = ObjectCodec.toYaml(List.of(SampleObjects.peer(), SampleObjects.export()));

    assertThat(yaml)
        .startsWith(HEADER + "kind: Peer\n")
        .contains("\n---\n" + HEADER + "kind: Export\n");
    assertThat(yaml.split("\n---\n")).hasSize(2);
  }

  @Test
  void skipsEmptyDocuments() {
    String yaml =
        "---\n---\n# only a comment\n---\n"
            + HEADER
            + "kind: Export\nmetadata: {name: a}\nspec: {host: h, port: 1}\n---\n\n---\n"
            + HEADER
            + "kind: Export\nmetadata: {name: b}\nspec: {host: h, port: 2}\n---\n";

    assertThat(ObjectCodec.readYaml(yaml))
        .extracting(o -> o.metadata().name())
        .containsExactly("a", "b");
  }

  @Test
  void readsNothingFromAnEmptyOrCommentOnlyStream() {
    assertThat(ObjectCodec.readYaml("")).isEmpty();
    assertThat(ObjectCodec.readYaml("# nothing here\n---\n")).isEmpty();
  }

  @Test
  void numbersDocumentsInErrorsCountingOnlyNonEmptyOnes() {
    String yaml =
        "---\n---\n"
            + HEADER
            + "kind: Export\nmetadata: {name: a}\n---\n---\n"
            + "apiVersion: v2\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .startsWith("document 2: apiVersion: 'v2'");
  }

  @Test
  void defaultsNamespaceToDefaultForNamespacedKinds() {
    String yaml =
        HEADER
            + "kind: Export\nmetadata: {name: e}\n---\n"
            + HEADER
            + "kind: Import\nmetadata: {name: i, namespace: ''}\n---\n"
            + HEADER
            + "kind: AccessPolicy\nmetadata: {name: a}\n---\n"
            + HEADER
            + "kind: Export\nmetadata: {name: kept, namespace: prod}\n";

    assertThat(ObjectCodec.readYaml(yaml))
        .extracting(o -> o.metadata().namespace())
        .containsExactly("default", "default", "default", "prod");
  }

  @Test
  void dropsNamespaceOfClusterScopedKinds() {
    String yaml =
        HEADER
            + "kind: Peer\nmetadata: {name: p, namespace: prod}\n---\n"
            + HEADER
            + "kind: PrivilegedAccessPolicy\nmetadata: {name: a, namespace: default}\n";

    List<XclObject> objects = ObjectCodec.readYaml(yaml);

    assertThat(objects).extracting(o -> o.metadata().namespace()).containsExactly(null, null);
    assertThat(objects.get(0).key()).isEqualTo(new ObjectKey(Kind.PEER, null, "p"));
  }

  @Test
  void rejectsWrongApiVersionNamingTheExpectedOne() {
    String message =
        messageOf(() -> ObjectCodec.readYaml("apiVersion: v1\nkind: Peer\nmetadata: {name: p}\n"));

    assertThat(message)
        .isEqualTo("document 1: apiVersion: 'v1' (expected: xclusterlink.io/v1alpha1)");
  }

  @Test
  void rejectsMissingApiVersion() {
    assertThat(messageOf(() -> ObjectCodec.readYaml("kind: Peer\nmetadata: {name: p}\n")))
        .isEqualTo("document 1: apiVersion: missing (expected: xclusterlink.io/v1alpha1)");
  }

  @Test
  void rejectsUnknownKindListingTheKinds() {
    String yaml =
        HEADER
            + "kind: Peer\nmetadata: {name: p}\n---\n"
            + HEADER
            + "kind: Service\nmetadata: {name: s}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo(
            "document 2: kind: 'Service' (expected one of: Peer, Export, Import, AccessPolicy,"
                + " PrivilegedAccessPolicy)");
  }

  @Test
  void rejectsMissingKind() {
    assertThat(messageOf(() -> ObjectCodec.readYaml(HEADER + "metadata: {name: p}\n")))
        .startsWith("document 1: kind: missing (expected one of: Peer, Export");
  }

  @Test
  void rejectsMissingOrEmptyMetadata() {
    assertThat(messageOf(() -> ObjectCodec.readYaml(HEADER + "kind: Peer\n")))
        .isEqualTo("document 1: metadata.name: missing (expected: a name)");
    assertThat(messageOf(() -> ObjectCodec.readYaml(HEADER + "kind: Export\nmetadata:\n")))
        .isEqualTo("document 1: metadata: '' (expected: a mapping)");
    assertThat(
            messageOf(
                () ->
                    ObjectCodec.readJson(
                        "{\"apiVersion\": \"xclusterlink.io/v1alpha1\", \"kind\": \"Peer\","
                            + " \"metadata\": null}")))
        .isEqualTo("metadata.name: missing (expected: a name)");
  }

  @Test
  void rejectsUnknownSpecFieldNamingThePathAndTheExpectedFields() {
    String yaml = HEADER + "kind: Export\nmetadata: {name: e}\nspec: {hots: h, port: 1}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: spec.hots: unknown field (expected one of: host, port)");
  }

  @Test
  void rejectsUnknownFieldsAtEveryDepth() {
    assertThat(
            messageOf(
                () ->
                    ObjectCodec.readYaml(
                        HEADER + "kind: Export\nmetadata: {name: e, nmespace: x}\n")))
        .isEqualTo(
            "document 1: metadata.nmespace: unknown field (expected one of: generation, labels, name,"
                + " namespace, resourceVersion)");
    assertThat(
            messageOf(
                () ->
                    ObjectCodec.readYaml(HEADER + "kind: Export\nmetadata: {name: e}\nspce: {}\n")))
        .isEqualTo("document 1: spce: unknown field (expected one of: metadata, spec, status)");
    assertThat(
            messageOf(
                () ->
                    ObjectCodec.readYaml(
                        HEADER
                            + "kind: Import\nmetadata: {name: i}\n"
                            + "spec: {port: 1, sources: [{peer: p, exportName: e, exportNs: x}]}\n")))
        .isEqualTo(
            "document 1: spec.sources[0].exportNs: unknown field (expected one of: exportName,"
                + " exportNamespace, peer, weight)");
  }

  @Test
  void rejectsADuplicateKeyNamingTheDocumentAndItsPath() {
    String yaml =
        HEADER
            + "kind: Export\nmetadata: {name: a}\n---\n"
            + HEADER
            + "kind: Export\nmetadata: {name: e}\nspec: {host: h, port: 80, port: 81}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 2: spec.port: duplicate key (expected: each key once)");
  }

  @Test
  void rejectsADuplicateKeyInBlockStyleYaml() {
    String yaml = HEADER + "kind: Export\nmetadata:\n  name: e\n  namespace: a\n  namespace: b\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: metadata.namespace: duplicate key (expected: each key once)");
  }

  @Test
  void rejectsADuplicateTopLevelKey() {
    String yaml = HEADER + "kind: Export\nkind: Import\nmetadata: {name: e}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: kind: duplicate key (expected: each key once)");
  }

  @Test
  void rejectsADuplicateKeyInAListItem() {
    String yaml =
        HEADER
            + "kind: Import\nmetadata: {name: i}\n"
            + "spec:\n  port: 1\n  sources:\n  - peer: p\n    exportName: e\n  - peer: p\n    exportName: e\n    peer: q\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: spec.sources[1].peer: duplicate key (expected: each key once)");
  }

  @Test
  void rejectsADuplicateKeyInJson() {
    assertThat(
            messageOf(
                () ->
                    ObjectCodec.readJson(
                        "{\"apiVersion\": \"xclusterlink.io/v1alpha1\", \"kind\": \"Export\", \"metadata\": {\"name\": \"e\"},"
                            + " \"spec\": {\"host\": \"h\", \"port\": 80, \"port\": 81}}")))
        .isEqualTo("spec.port: duplicate key (expected: each key once)");
    assertThat(
            messageOf(
                () ->
                    ObjectCodec.readJson(
                        "{\"apiVersion\": \"xclusterlink.io/v1alpha1\", \"apiVersion\": \"v2\"}")))
        .isEqualTo("apiVersion: duplicate key (expected: each key once)");
  }

  @Test
  void acceptsTheSameKeyInSeparateMappings() {
    String yaml =
        HEADER
            + "kind: Import\nmetadata: {name: i}\n"
            + "spec: {port: 1, sources: [{peer: p, exportName: e}, {peer: p, exportName: e}]}\n";

    assertThat(ObjectCodec.readYaml(yaml)).hasSize(1);
  }

  @Test
  void rejectsNonNumericPortNamingTheFieldValueAndType() {
    String yaml = HEADER + "kind: Export\nmetadata: {name: e}\nspec: {host: h, port: \"abc\"}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: spec.port: 'abc' (expected: an integer)");
  }

  @Test
  void rejectsFractionalPortInsteadOfTruncatingIt() {
    String yaml = HEADER + "kind: Export\nmetadata: {name: e}\nspec: {host: h, port: 80.5}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: spec.port: '80.5' (expected: an integer)");
  }

  @Test
  void rejectsPortTooLargeForAnIntegerNamingTheField() {
    String yaml =
        HEADER + "kind: Export\nmetadata: {name: e}\nspec: {host: h, port: 99999999999}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .startsWith("document 1: spec.port: 99999999999 (expected: an integer");
  }

  @Test
  void rejectsMappingWhereAListIsExpected() {
    String yaml =
        HEADER + "kind: Import\nmetadata: {name: i}\nspec: {port: 1, sources: {peer: p}}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: spec.sources: wrong type (expected: a list)");
  }

  @Test
  void rejectsScalarWhereAMappingIsExpected() {
    assertThat(messageOf(() -> ObjectCodec.readYaml(HEADER + "kind: Import\nmetadata: db\n")))
        .isEqualTo("document 1: metadata: wrong type (expected: a mapping)");
  }

  @Test
  void rejectsEmptyListEntryNamingTheField() {
    String yaml = HEADER + "kind: Import\nmetadata: {name: i}\nspec:\n  port: 1\n  sources:\n  -\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo("document 1: spec.sources[0]: '' (expected: a mapping)");
  }

  @Test
  void rejectsNullListEntryNamingTheObject() {
    String yaml =
        HEADER
            + "kind: AccessPolicy\nmetadata: {name: a}\n"
            + "spec: {action: allow, from: [null], to: [{workloadSelector: {}}]}\n";

    assertThat(messageOf(() -> ObjectCodec.readYaml(yaml)))
        .isEqualTo(
            "document 1: spec: contains an empty entry (expected: every list item and value to be"
                + " set)");
  }

  @Test
  void rejectsMalformedYamlNamingTheDocumentLineAndExpectation() {
    String yaml =
        HEADER
            + "kind: Peer\nmetadata: {name: p}\n---\n"
            + HEADER
            + "kind: Peer\nmetadata: {name: p\nspec: {}\n";

    String message = messageOf(() -> ObjectCodec.readYaml(yaml));

    assertThat(message)
        .startsWith("document 2: not valid YAML: line 8, column 5: ")
        .contains("expected ',' or '}'");
  }

  @Test
  void rejectsTabIndentationAsMalformedYaml() {
    assertThat(messageOf(() -> ObjectCodec.readYaml(HEADER + "kind: Peer\n\tmetadata: {}\n")))
        .startsWith("document 1: not valid YAML: line 3, column 1:")
        .contains("TAB");
  }

  @Test
  void rejectsScalarDocumentInsteadOfSkippingIt() {
    assertThat(messageOf(() -> ObjectCodec.readYaml("hello world\n")))
        .isEqualTo(
            "document 1: found 'hello world' (expected: a mapping with apiVersion, kind, metadata,"
                + " spec)");
  }

  @Test
  void rejectsEmptyMappingDocument() {
    assertThat(messageOf(() -> ObjectCodec.readYaml("{}\n")))
        .isEqualTo("document 1: apiVersion: missing (expected: xclusterlink.io/v1alpha1)");
  }

  @Test
  void readsJson() {
    String json =
        """
        {"apiVersion": "xclusterlink.io/v1alpha1", "kind": "Import",
         "metadata": {"name": "db"},
         "spec": {"port": 5432, "sources": [{"peer": "west", "exportName": "db"}]}}
        """;

    XclObject obj = ObjectCodec.readJson(json);

    assertThat(obj)
        .isEqualTo(
            new Import(
                ObjectMeta.of("db", "default"),
                new Import.Spec(5432, null, List.of(new Import.Source("west", "db", null)), null),
                null));
  }

  @Test
  void rejectsBadJsonWithOneLineMessages() {
    assertThat(messageOf(() -> ObjectCodec.readJson("{\"apiVersion\": ")))
        .startsWith("not valid JSON: ");
    assertThat(messageOf(() -> ObjectCodec.readJson("[1, 2]")))
        .isEqualTo("body: expected a JSON object");
    assertThat(messageOf(() -> ObjectCodec.readJson(""))).isEqualTo("body: expected a JSON object");
    assertThat(
            messageOf(
                () ->
                    ObjectCodec.readJson(
                        "{\"apiVersion\": \"xclusterlink.io/v1alpha1\", \"kind\": \"Export\","
                            + " \"metadata\": {\"name\": \"e\"}, \"spec\": {\"port\": \"x\"}}")))
        .isEqualTo("spec.port: 'x' (expected: an integer)");
  }

  @Test
  void writesStatusWithConditionsAndNoDerivedFields() throws Exception {
    Status status =
        Status.EMPTY
            .withCondition(Condition.PEER_REACHABLE, true, "HeartbeatOk", "answered")
            .withLabels(Map.of("region", "eu"));
    Peer peer = SampleObjects.peer().withStatus(status);

    JsonNode tree = ObjectCodec.json().readTree(ObjectCodec.toJson(peer));

    assertThat(fieldNames(tree))
        .containsExactly("apiVersion", "kind", "metadata", "spec", "status");
    assertThat(fieldNames(tree.get("status"))).containsExactly("conditions", "labels");
    JsonNode condition = tree.get("status").get("conditions").get(0);
    assertThat(fieldNames(condition))
        .containsExactly("type", "status", "reason", "message", "lastTransitionTime");
    assertThat(condition.get("status").isTextual()).isTrue();
    assertThat(condition.get("status").asText()).isEqualTo("True");
    assertThat(fieldNames(tree.get("spec").get("gateways").get(0))).containsExactly("host", "port");
    assertThat(ObjectCodec.readJson(ObjectCodec.toJson(peer))).isEqualTo(peer);
  }

  @Test
  void roundTripsStatusThroughYamlKeepingTrueAsAString() {
    Peer peer =
        SampleObjects.peer()
            .withStatus(
                Status.EMPTY
                    .withCondition(
                        Condition.PEER_REACHABLE, false, "NeverAnswered", "no answer yet")
                    .withLabels(Map.of("on", "yes")));
    String yaml = ObjectCodec.toYaml(List.of(peer));

    assertThat(yaml).contains("status: \"False\"");
    assertThat(ObjectCodec.readYaml(yaml)).containsExactly(peer);
  }

  @Test
  void omitsEmptyStatusAndUnsetOptionalFields() throws Exception {
    Import imp =
        SampleObjects.importOf(
            new Import.Spec(80, null, List.of(new Import.Source("west", "db", null)), null));

    JsonNode tree = ObjectCodec.toTree(imp);

    assertThat(fieldNames(tree)).containsExactly("apiVersion", "kind", "metadata", "spec");
    assertThat(fieldNames(tree.get("spec"))).containsExactly("port", "sources");
    assertThat(fieldNames(tree.get("spec").get("sources").get(0)))
        .containsExactly("peer", "exportName");
    assertThat(fieldNames(tree.get("metadata"))).containsExactly("name", "namespace");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String messageOf(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(InvalidObjectException.class);
    assertThat(thrown.getMessage()).doesNotContain("\n");
    return thrown.getMessage();
  }
}
