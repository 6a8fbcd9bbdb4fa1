package io.xclusterlink.cli.objects;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.cli.CliRun.Result;
import io.xclusterlink.cli.FakeAdminServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectCommandsTest {
  private static final String IMPORT_JSON =
      "{\"apiVersion\":\"xclusterlink.io/v1alpha1\",\"kind\":\"Import\","
          + "\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},"
          + "\"spec\":{\"port\":80,\"targetPort\":15080,\"lbScheme\":\"static\","
          + "\"sources\":[{\"peer\":\"east\",\"exportName\":\"web\",\"exportNamespace\":\"default\"},"
          + "{\"peer\":\"south\",\"exportName\":\"web\",\"exportNamespace\":\"prod\"}]}}";
  private static final String PEER_JSON =
      "{\"apiVersion\":\"xclusterlink.io/v1alpha1\",\"kind\":\"Peer\",\"metadata\":{\"name\":\"east\"},"
          + "\"spec\":{\"gateways\":[{\"host\":\"10.0.0.5\",\"port\":8443},{\"host\":\"10.0.0.6\",\"port\":8443}]},"
          + "\"status\":{\"conditions\":[{\"type\":\"PeerReachable\",\"status\":\"False\",\"reason\":\"NeverAnswered\"}]}}";
  private static final String YAML =
      """
      apiVersion: xclusterlink.io/v1alpha1
      kind: Peer
      metadata: {name: east}
      spec: {gateways: [{host: 127.0.0.1, port: 8443}]}
      ---
      apiVersion: xclusterlink.io/v1alpha1
      kind: Import
      metadata: {name: web}
      spec: {port: 80, sources: [{peer: east, exportName: web}]}
      """;

  @TempDir Path dir;
  private FakeAdminServer admin;

  @BeforeEach
  void startAdmin() throws IOException {
    admin = new FakeAdminServer();
  }

  @AfterEach
  void stopAdmin() {
    admin.close();
  }

  @Test
  void applySendsTheYamlAndPrintsOneLinePerObject() throws IOException {
    Path file = Files.writeString(dir.resolve("objects.yaml"), YAML);
    admin.respond(
        "POST",
        "/v1/apply",
        200,
        "{\"results\":["
            + "{\"kind\":\"Peer\",\"name\":\"east\",\"result\":\"created\"},"
            + "{\"kind\":\"Import\",\"namespace\":\"default\",\"name\":\"web\",\"result\":\"unchanged\","
            + "\"object\":"
            + IMPORT_JSON
            + "}]}");

    Result r = run("--admin", admin.url(), "apply", "-f", file.toString());

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo("peer east created\nimport default/web unchanged\n");
    assertThat(r.err()).isEmpty();
    FakeAdminServer.Request sent = admin.requests().get(0);
    assertThat(sent.body()).isEqualTo(YAML);
    assertThat(sent.contentType()).isEqualTo("application/yaml");
  }

  @Test
  void applyRefusedByTheGatewayPrintsItsOneLineMessageAndExitsOne() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.yaml"), YAML);
    admin.respond(
        "POST",
        "/v1/apply",
        400,
        "{\"error\":\"document 2: spec.lbScheme: 'fastest' (expected one of: round-robin, random, static)\"}");

    Result r = run("--admin", admin.url(), "apply", "-f", file.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "xcl: document 2: spec.lbScheme: 'fastest' (expected one of: round-robin, random, static)\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void applyOfAMissingFileSaysSoWithoutCallingTheGateway() {
    Result r = run("--admin", admin.url(), "apply", "-f", dir.resolve("nope.yaml").toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("xcl: cannot read " + dir.resolve("nope.yaml") + ": no such file\n");
    assertThat(admin.requests()).isEmpty();
  }

  @Test
  void applyWithoutFileIsAUsageError() {
    Result r = run("--admin", admin.url(), "apply");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("-f").hasLineCount(1);
  }

  @Test
  void getListsTheDefaultNamespaceAsATable() {
    admin.respond("GET", "/v1/imports?namespace=default", 200, "{\"items\":[" + IMPORT_JSON + "]}");

    Result r = run("--admin", admin.url(), "get", "imports");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly(
            "NAMESPACE   NAME   PORT   TARGETPORT   SOURCES                           LB",
            "default     web    80     15080        east/default/web,south/prod/web   static");
  }

  @Test
  void getWithAllNamespacesAsksForEveryNamespace() {
    admin.respond("GET", "/v1/imports", 200, "{\"items\":[" + IMPORT_JSON + "]}");

    Result r = run("--admin", admin.url(), "get", "import", "-A");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("web");
  }

  @Test
  void getOfAClusterScopedKindSendsNoNamespaceAndShowsReachability() {
    admin.respond("GET", "/v1/peers", 200, "{\"items\":[" + PEER_JSON + "]}");

    Result r = run("--admin", admin.url(), "get", "Peer", "-n", "ignored");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly(
            "NAME   GATEWAYS                      REACHABLE",
            "east   10.0.0.5:8443,10.0.0.6:8443   False");
  }

  @Test
  void getOfAnEmptyListSaysSoOnStderr() {
    admin.respond("GET", "/v1/exports?namespace=prod", 200, "{\"items\":[]}");

    Result r = run("--admin", admin.url(), "get", "exports", "-n", "prod");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("no exports in namespace prod\n");
  }

  @Test
  void getOneObjectAsYamlCanBeAppliedBack() {
    admin.respond("GET", "/v1/imports/web?namespace=default", 200, IMPORT_JSON);

    Result r = run("--admin", admin.url(), "get", "import", "web", "-o", "yaml");

    assertThat(r.exitCode()).isZero();
    List<XclObject> back = ObjectCodec.readYaml(r.out());
    assertThat(back).hasSize(1);
    assertThat(back.get(0)).isEqualTo(ObjectCodec.readJson(IMPORT_JSON));
  }

  @Test
  void getListAsJsonIsAnItemsObject() {
    admin.respond("GET", "/v1/peers", 200, "{\"items\":[" + PEER_JSON + "]}");

    Result r = run("--admin", admin.url(), "get", "peers", "-o", "json");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("\"items\"", "\"kind\" : \"Peer\"", "NeverAnswered");
  }

  @Test
  void getOfAMissingObjectPrintsTheGatewaysMessageAndExitsOne() {
    admin.respond(
        "GET",
        "/v1/exports/web?namespace=default",
        404,
        "{\"error\":\"export default/web not found\"}");

    Result r = run("--admin", admin.url(), "get", "export", "web");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("xcl: export default/web not found\n");
  }

  @Test
  void deleteSendsTheNamespaceAndConfirms() {
    admin.respond("DELETE", "/v1/accesspolicies/allow-west?namespace=prod", 200, "{}");

    Result r = run("--admin", admin.url(), "delete", "accesspolicy", "allow-west", "-n", "prod");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo("accesspolicy prod/allow-west deleted\n");
  }

  @Test
  void deleteOfAMissingObjectExitsOne() {
    admin.respond("DELETE", "/v1/peers/west", 404, "{\"error\":\"peer west not found\"}");

    Result r = run("--admin", admin.url(), "delete", "peer", "west");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("xcl: peer west not found\n");
  }

  @Test
  void anErrorWithoutAJsonBodyNamesTheStatus() {
    admin.respond("GET", "/v1/imports?namespace=default", 500, "");

    Result r = run("--admin", admin.url(), "get", "imports");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("xcl: HTTP 500 from GET /v1/imports\n");
  }
}
