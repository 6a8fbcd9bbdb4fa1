package io.xclusterlink.kube.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated schemas against what users write and what admission refuses: every README example
 * passes, and each object {@link Validation} (or the codec in front of it) refuses is refused by
 * the schema at the same field path, or, where a CRD schema cannot say it, is pinned as checked by
 * {@code Validation} alone (so moving a rule into the schema, or losing one, shows up here).
 */
class CrdSchemaTest {
  private static final boolean KUBERNETES_MODE = false; // an Export may leave out its host
  private static final CrdSchemaCheck SCHEMA = new CrdSchemaCheck();

  /** Where a rule is enforced. */
  enum By {
    /** by the CRD schema (the API server) and by admission alike */
    SCHEMA_AND_VALIDATION,
    /** by admission only: a structural schema cannot express it */
    VALIDATION_ONLY
  }

  record Case(String name, String yaml, String path, By by) {
    @Override
    public String toString() {
      return name;
    }
  }

  // ---- README examples ------------------------------------------------------------------------

  @Test
  void everyReadmeExampleOfTheGroupPassesItsSchemaAndAdmission() throws IOException {
    List<String> docs = readmeDocuments();
    Set<Kind> seen = EnumSet.noneOf(Kind.class);

    for (String doc : docs) {
      JsonNode node = CrdSchemaCheck.parse(doc);
      assertThat(SCHEMA.refusedPaths(node)).as(doc + "\n" + SCHEMA.messages(node)).isEmpty();
      for (XclObject obj : ObjectCodec.readYaml(doc)) {
        Validation.validate(obj, KUBERNETES_MODE);
      }
      seen.add(CrdSchemaCheck.kindOf(node));
    }
    // the README shows at least a Peer, an Export, an Import and an AccessPolicy
    assertThat(seen).contains(Kind.PEER, Kind.EXPORT, Kind.IMPORT, Kind.ACCESS_POLICY);
  }

  /** Each document of every ```yaml block whose apiVersion is the group's. */
  static List<String> readmeDocuments() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    List<String> docs = new ArrayList<>();
    Matcher block = java.util.regex.Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(readme);
    while (block.find()) {
      for (String doc : block.group(1).split("(?m)^---\\s*$")) {
        if (doc.contains("apiVersion: " + XclObject.API_VERSION)) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  // ---- what admission refuses -----------------------------------------------------------------

  static Stream<Case> refused() {
    String src = "{peer: west, exportName: db}";
    String any = "[{workloadSelector: {}}]";
    return Stream.of(
        schema("import port above range", imp("port: 70000, sources: [" + src + "]"), "spec.port"),
        schema("import port zero", imp("port: 0, sources: [" + src + "]"), "spec.port"),
        schema("import without port", imp("sources: [" + src + "]"), "spec.port"),
        schema(
            "import targetPort above range",
            imp("port: 80, targetPort: 70000, sources: [" + src + "]"),
            "spec.targetPort"),
        schema("import without sources", imp("port: 80, sources: []"), "spec.sources"),
        schema(
            "source without peer",
            imp("port: 80, sources: [{exportName: db}]"),
            "spec.sources[0].peer"),
        schema(
            "source export name in capitals",
            imp("port: 80, sources: [{peer: west, exportName: DB}]"),
            "spec.sources[0].exportName"),
        schema(
            "source export namespace in capitals",
            imp("port: 80, sources: [{peer: west, exportName: db, exportNamespace: Prod}]"),
            "spec.sources[0].exportNamespace"),
        schema(
            "source peer longer than 63",
            imp("port: 80, sources: [{peer: " + "p".repeat(64) + ", exportName: db}]"),
            "spec.sources[0].peer"),
        schema(
            "source weight above 1000",
            imp("port: 80, sources: [{peer: west, exportName: db, weight: 1001}]"),
            "spec.sources[0].weight"),
        schema(
            "source weight zero",
            imp("port: 80, sources: [{peer: west, exportName: db, weight: 0}]"),
            "spec.sources[0].weight"),
        schema(
            "unknown lbScheme",
            imp("port: 80, lbScheme: fastest, sources: [" + src + "]"),
            "spec.lbScheme"),
        schema("import without spec", doc("Import", "{name: db, namespace: prod}", null), "spec"),
        schema("export port above range", exp("{host: h, port: 65536}"), "spec.port"),
        schema("export without port", exp("{host: h}"), "spec.port"),
        schema("export host with a space", exp("{host: db local, port: 1}"), "spec.host"),
        schema("peer without gateways", peer("{gateways: []}"), "spec.gateways"),
        schema(
            "peer gateway port zero",
            peer("{gateways: [{host: a, port: 443}, {host: b, port: 0}]}"),
            "spec.gateways[1].port"),
        schema(
            "peer gateway without host",
            peer("{gateways: [{port: 443}]}"),
            "spec.gateways[0].host"),
        schema(
            "peer gateway host of blanks",
            peer("{gateways: [{host: ' ', port: 443}]}"),
            "spec.gateways[0].host"),
        schema(
            "policy action in capitals",
            policy("{action: Allow, from: " + any + ", to: " + any + "}"),
            "spec.action"),
        schema(
            "policy without action", policy("{from: " + any + ", to: " + any + "}"), "spec.action"),
        schema(
            "policy with empty from",
            policy("{action: allow, from: [], to: " + any + "}"),
            "spec.from"),
        schema(
            "privileged policy without to",
            doc("PrivilegedAccessPolicy", "{name: p}", "{action: deny, from: " + any + "}"),
            "spec.to"),
        schema(
            "policy term without selector",
            policy("{action: allow, from: " + any + ", to: [{}]}"),
            "spec.to[0].workloadSelector"),
        schema(
            "unknown operator",
            policy(
                "{action: allow, from: "
                    + any
                    + ", to: [{workloadSelector: {matchExpressions:"
                    + " [{key: env, operator: Equals, values: [x]}]}}]}"),
            "spec.to[0].workloadSelector.matchExpressions[0].operator"),
        schema(
            "expression key with a space",
            policy(
                "{action: allow, from: "
                    + any
                    + ", to: [{workloadSelector: {matchExpressions:"
                    + " [{key: bad key, operator: Exists}]}}]}"),
            "spec.to[0].workloadSelector.matchExpressions[0].key"),
        validationOnly(
            "In without values",
            policy(
                "{action: allow, from: "
                    + any
                    + ", to: [{workloadSelector: {matchExpressions:"
                    + " [{key: env, operator: In}]}}]}"),
            "spec.to[0].workloadSelector.matchExpressions[0].values"),
        validationOnly(
            "Exists with values",
            policy(
                "{action: allow, from: "
                    + any
                    + ", to: [{workloadSelector: {matchExpressions:"
                    + " [{key: env, operator: Exists, values: [x]}]}}]}"),
            "spec.to[0].workloadSelector.matchExpressions[0].values"),
        validationOnly(
            "matchLabels key with a space",
            policy(
                "{action: allow, from: "
                    + any
                    + ", to: [{workloadSelector: {matchLabels: {"
                    + "'has space': v}}}]}"),
            "spec.to[0].workloadSelector.matchLabels key"),
        // metadata belongs to the API server, whose own rules (a DNS subdomain of up to 253) are
        // looser than the project's 63-character names
        validationOnly(
            "name in capitals",
            doc("Export", "{name: DB, namespace: prod}", "{host: h, port: 1}"),
            "metadata.name"),
        validationOnly(
            "name longer than 63",
            doc("Export", "{name: " + "e".repeat(64) + ", namespace: prod}", "{host: h, port: 1}"),
            "metadata.name"),
        validationOnly(
            "metadata label key with a space",
            doc("Export", "{name: db, namespace: prod, labels: {'a b': v}}", "{host: h, port: 1}"),
            "metadata.labels key"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void admissionAndSchemaRefuseAtTheSameFieldPath(Case c) {
    JsonNode node = CrdSchemaCheck.parse(c.yaml());
    String message = admissionMessage(c.yaml());
    List<String> schemaPaths = SCHEMA.refusedPaths(node);

    assertThat(message).as("admission of\n" + c.yaml()).contains(" " + c.path() + ": ");
    if (c.by() == By.SCHEMA_AND_VALIDATION) {
      assertThat(schemaPaths).as(SCHEMA.messages(node).toString()).contains(c.path());
    } else {
      assertThat(schemaPaths)
          .as("the schema now checks this too: move the case to SCHEMA_AND_VALIDATION")
          .isEmpty();
    }
  }

  private static String admissionMessage(String yaml) {
    Throwable thrown =
        catchThrowable(
            () -> {
              for (XclObject obj : ObjectCodec.readYaml(yaml)) {
                Validation.validate(obj, KUBERNETES_MODE);
              }
            });
    assertThat(thrown).as("admission accepted\n" + yaml).isInstanceOf(InvalidObjectException.class);
    return thrown.getMessage();
  }

  private static Case schema(String name, String yaml, String path) {
    return new Case(name, yaml, path, By.SCHEMA_AND_VALIDATION);
  }

  private static Case validationOnly(String name, String yaml, String path) {
    return new Case(name, yaml, path, By.VALIDATION_ONLY);
  }

  private static String imp(String spec) {
    return doc("Import", "{name: db, namespace: prod}", "{" + spec + "}");
  }

  private static String exp(String spec) {
    return doc("Export", "{name: db, namespace: prod}", spec);
  }

  private static String peer(String spec) {
    return doc("Peer", "{name: west}", spec);
  }

  private static String policy(String spec) {
    return doc("AccessPolicy", "{name: p, namespace: prod}", spec);
  }

  private static String doc(String kind, String metadata, String spec) {
    return "apiVersion: "
        + XclObject.API_VERSION
        + "\nkind: "
        + kind
        + "\nmetadata: "
        + metadata
        + "\n"
        + (spec == null ? "" : "spec: " + spec + "\n");
  }
}
