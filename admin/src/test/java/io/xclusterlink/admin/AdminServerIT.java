package io.xclusterlink.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.EmbeddedStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API's routes over real sockets: a TCP listener on 127.0.0.1 with a bearer token. */
class AdminServerIT {
  private static final String PEER_WEST =
      """
      apiVersion: xclusterlink.io/v1alpha1
      kind: Peer
      metadata: {name: west}
      spec: {gateways: [{host: 127.0.0.1, port: 8443}]}
      """;
  private static final String EXPORT_DB =
      """
      apiVersion: xclusterlink.io/v1alpha1
      kind: Export
      metadata: {name: db, namespace: prod}
      spec: {host: 127.0.0.1, port: 5432}
      """;

  static final String TOKEN = "s3cret-token";

  @TempDir Path stateDir;
  @TempDir Path work;
  private EventLoopGroup group;
  private EmbeddedStore store;
  private final List<AdminServer> servers = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private String base;

  @BeforeEach
  void start() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    store = EmbeddedStore.open(stateDir);
    AdminServer server =
        startServer(
            new InetSocketAddress("127.0.0.1", 0),
            AdminServerIT::admit,
            () -> Map.of("peer", "east", "imports", 1),
            () -> "xcl_tunnels_active 3\n");
    base = "http://127.0.0.1:" + server.tcpAddress().getPort();
  }

  @AfterEach
  void stop() {
    servers.forEach(AdminServer::close);
    store.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private AdminServer startServer(
      InetSocketAddress bind,
      Admission admission,
      Supplier<Object> status,
      Supplier<String> metrics) {
    AdminServer s =
        new AdminServer(
            config(bind),
            store,
            admission,
            status,
            metrics,
            null,
            group,
            EpollServerSocketChannel.class);
    servers.add(s);
    return s.start();
  }

  private AdminConfig config(InetSocketAddress bind) {
    Path token = work.resolve("token");
    try {
      Files.writeString(token, TOKEN + "\n");
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AdminConfig(
        work.resolve("admin-" + servers.size() + ".sock"), new AdminTcp(bind, false, token), null);
  }

  /** Standalone admission: validate, and give imports a default lbScheme. */
  private static XclObject admit(XclObject incoming) {
    Validation.validate(incoming, true);
    if (incoming instanceof Import imp && imp.spec().lbScheme() == null) {
      Import.Spec s = imp.spec();
      return imp.withSpec(new Import.Spec(s.port(), s.targetPort(), s.sources(), "round-robin"));
    }
    return incoming;
  }

  private static String importDb(int port) {
    return """
        apiVersion: xclusterlink.io/v1alpha1
        kind: Import
        metadata: {name: db, namespace: prod}
        spec:
          port: %d
          sources: [{peer: west, exportName: db, exportNamespace: prod}]
        """
        .formatted(port);
  }

  private static String docs(String... docs) {
    return String.join("---\n", docs);
  }

  private record Answer(int status, JsonNode json, String text, HttpResponse<String> raw) {}

  private Answer send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/yaml")
            .method(method, publisher)
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    JsonNode json =
        res.headers().firstValue("content-type").orElse("").startsWith("application/json")
            ? ObjectCodec.json().readTree(res.body())
            : null;
    return new Answer(res.statusCode(), json, res.body(), res);
  }

  private Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  private Answer apply(String yaml) throws IOException, InterruptedException {
    return send("POST", "/v1/apply", yaml);
  }

  @Test
  void healthzAnswersOk() throws Exception {
    Answer a = get("/healthz");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.text()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void applyOfSeveralDocumentsReportsCreatedConfiguredAndUnchanged() throws Exception {
    Answer first = apply(docs(PEER_WEST, EXPORT_DB, importDb(5432)));

    assertThat(first.status()).isEqualTo(200);
    JsonNode results = first.json().get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("kind").asText()).isEqualTo("Peer");
    assertThat(results.get(0).has("namespace")).isFalse();
    assertThat(results.get(0).get("name").asText()).isEqualTo("west");
    assertThat(results.get(2).get("kind").asText()).isEqualTo("Import");
    assertThat(results.get(2).get("namespace").asText()).isEqualTo("prod");
    assertThat(results.findValuesAsText("result")).containsExactly("created", "created", "created");
    // the stored object, after admission, apiVersion and kind first
    JsonNode imported = results.get(2).get("object");
    assertThat(imported.fieldNames()).toIterable().startsWith("apiVersion", "kind");
    assertThat(imported.at("/spec/lbScheme").asText()).isEqualTo("round-robin");

    Answer second = apply(docs(PEER_WEST, EXPORT_DB, importDb(5433)));

    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("results").findValuesAsText("result"))
        .containsExactly("unchanged", "unchanged", "configured");
    Import stored = (Import) store.get(new ObjectKey(Kind.IMPORT, "prod", "db")).orElseThrow();
    assertThat(stored.spec().port()).isEqualTo(5433);
  }

  @Test
  void applyAcceptsJson() throws Exception {
    String json =
        "{\"apiVersion\":\"xclusterlink.io/v1alpha1\",\"kind\":\"Peer\","
            + "\"metadata\":{\"name\":\"west\"},\"spec\":{\"gateways\":[{\"host\":\"10.0.0.1\",\"port\":443}]}}";

    Answer a = apply(json);

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().at("/results/0/result").asText()).isEqualTo("created");
    assertThat(store.get(new ObjectKey(Kind.PEER, null, "west"))).isPresent();
  }

  @Test
  void anInvalidDocumentAmongValidOnesStoresNothing() throws Exception {
    apply(importDb(5432));
    String badImport =
        """
        apiVersion: xclusterlink.io/v1alpha1
        kind: Import
        metadata: {name: db, namespace: prod}
        spec: {port: 6000, lbScheme: fastest, sources: [{peer: west, exportName: db}]}
        """;

    Answer a = apply(docs(PEER_WEST, badImport, EXPORT_DB));

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("error").asText())
        .startsWith("document 2: Import prod/db: spec.lbScheme: 'fastest'")
        .doesNotContain("\n");
    assertThat(store.list(Kind.PEER, null)).isEmpty();
    assertThat(store.list(Kind.EXPORT, null)).isEmpty();
    Import kept = (Import) store.get(new ObjectKey(Kind.IMPORT, "prod", "db")).orElseThrow();
    assertThat(kept.spec().port()).isEqualTo(5432);
  }

  @Test
  void aDocumentThatDoesNotParseStoresNothing() throws Exception {
    Answer a =
        apply(
            docs(
                PEER_WEST,
                "apiVersion: xclusterlink.io/v1alpha1\nkind: Import\nspec: [unclosed\n"));

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("error").asText()).startsWith("document 2: ");
    assertThat(store.list(Kind.PEER, null)).isEmpty();
  }

  @Test
  void anApplyWithAStaleResourceVersionIsAConflictAndStoresNothing() throws Exception {
    Answer created = apply(docs(PEER_WEST, importDb(5432)));
    String version = created.json().at("/results/1/object/metadata/resourceVersion").asText();
    assertThat(created.json().at("/results/1/object/metadata/generation").asLong()).isEqualTo(1);
    apply(importDb(5433));
    String stale =
        """
        apiVersion: xclusterlink.io/v1alpha1
        kind: Import
        metadata: {name: db, namespace: prod, resourceVersion: "%s"}
        spec:
          port: 6000
          sources: [{peer: west, exportName: db, exportNamespace: prod}]
        """
            .formatted(version);

    Answer a = apply(docs(EXPORT_DB, stale));

    assertThat(a.status()).isEqualTo(409);
    assertThat(a.json().get("error").asText())
        .isEqualTo(
            "Import prod/db: metadata.resourceVersion "
                + version
                + " is stale (stored: "
                + (Long.parseLong(version) + 1)
                + "); read the object again and retry; nothing applied");
    assertThat(store.list(Kind.EXPORT, null)).isEmpty();
    Import kept = (Import) store.get(new ObjectKey(Kind.IMPORT, "prod", "db")).orElseThrow();
    assertThat(kept.spec().port()).isEqualTo(5433);
    assertThat(kept.metadata().generation()).isEqualTo(2L);

    Answer current =
        apply(
            stale.replace("\"" + version + "\"", "\"" + kept.metadata().resourceVersion() + "\""));

    assertThat(current.status()).isEqualTo(200);
    assertThat(current.json().at("/results/0/result").asText()).isEqualTo("configured");
    assertThat(current.json().at("/results/0/object/metadata/generation").asLong()).isEqualTo(3);
  }

  @Test
  void anEmptyApplyIsRefused() throws Exception {
    Answer a = apply("   \n");

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("error").asText())
        .isEqualTo("body: empty (expected: one or more YAML or JSON documents)");
  }

  @Test
  void getsAnObjectWithItsStatus() throws Exception {
    apply(docs(PEER_WEST, importDb(5432)));
    Status reachable =
        Status.EMPTY.withCondition(Condition.PEER_REACHABLE, true, "Heartbeat", "answered");
    store.setStatus(new ObjectKey(Kind.PEER, null, "west"), reachable);

    Answer peer = get("/v1/peers/west?namespace=ignored");
    Answer imp = get("/v1/import/db?namespace=prod");

    assertThat(peer.status()).isEqualTo(200);
    assertThat(peer.json().at("/status/conditions/0/type").asText()).isEqualTo("PeerReachable");
    assertThat(peer.json().at("/metadata/name").asText()).isEqualTo("west");
    assertThat(imp.status()).isEqualTo(200);
    assertThat(imp.json().get("kind").asText()).isEqualTo("Import");
    assertThat(imp.json().at("/spec/port").asInt()).isEqualTo(5432);
  }

  @Test
  void getOfAMissingObjectIsNotFoundInTheDefaultNamespace() throws Exception {
    Answer a = get("/v1/imports/x");

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.text()).isEqualTo("{\"error\":\"Import default/x not found\"}");
  }

  @Test
  void listsObjectsOfAKindInOneOrAllNamespaces() throws Exception {
    apply(
        docs(
            EXPORT_DB,
            EXPORT_DB.replace("prod", "dev"),
            EXPORT_DB.replace("name: db", "name: api")));

    Answer all = get("/v1/exports");
    Answer prod = get("/v1/Export?namespace=prod");
    Answer none = get("/v1/imports");

    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().get("items").findValuesAsText("name")).containsExactly("db", "api", "db");
    assertThat(all.json().get("items").findValuesAsText("namespace"))
        .containsExactly("dev", "prod", "prod");
    assertThat(prod.json().get("items").findValuesAsText("name")).containsExactly("api", "db");
    assertThat(none.text()).isEqualTo("{\"items\":[]}");
  }

  @Test
  void deletesAnObjectOnce() throws Exception {
    apply(docs(PEER_WEST, importDb(5432)));

    Answer deleted = send("DELETE", "/v1/imports/db?namespace=prod", null);
    Answer again = send("DELETE", "/v1/imports/db?namespace=prod", null);
    Answer peer = send("DELETE", "/v1/peers/west", null);

    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().at("/deleted/metadata/name").asText()).isEqualTo("db");
    assertThat(deleted.json().at("/deleted/kind").asText()).isEqualTo("Import");
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().get("error").asText()).isEqualTo("Import prod/db not found");
    assertThat(peer.status()).isEqualTo(200);
    assertThat(store.list(Kind.IMPORT, null)).isEmpty();
    assertThat(store.list(Kind.PEER, null)).isEmpty();
  }

  @Test
  void anUnknownKindIsNotFoundAndNamesTheKinds() throws Exception {
    Answer a = get("/v1/widgets");

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().get("error").asText())
        .isEqualTo(
            "no such kind: 'widgets' (expected one of: "
                + "peers, exports, imports, accesspolicies, privilegedaccesspolicies)");
  }

  @Test
  void anUnknownPathIsNotFound() throws Exception {
    assertThat(get("/nothing/here").status()).isEqualTo(404);
    assertThat(get("/v1").status()).isEqualTo(404);
    assertThat(get("/v1/imports/db/extra").status()).isEqualTo(404);
  }

  @Test
  void aWrongMethodIsNotAllowed() throws Exception {
    Answer getApply = get("/v1/apply");
    Answer postList = send("POST", "/v1/imports", "{}");
    Answer putObject = send("PUT", "/v1/imports/db", "{}");

    assertThat(getApply.status()).isEqualTo(405);
    assertThat(getApply.raw().headers().firstValue("allow")).contains("POST");
    assertThat(getApply.json().get("error").asText())
        .isEqualTo("GET /v1/apply: method not allowed (expected: POST)");
    assertThat(postList.status()).isEqualTo(405);
    assertThat(putObject.status()).isEqualTo(405);
    assertThat(putObject.raw().headers().firstValue("allow")).contains("GET, DELETE");
  }

  @Test
  void statusAnswersWhatTheGatewaySupplies() throws Exception {
    Answer a = get("/v1/status");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("peer").asText()).isEqualTo("east");
    assertThat(a.json().get("imports").asInt()).isEqualTo(1);
  }

  @Test
  void metricsAnswerPlainText() throws Exception {
    Answer a = get("/metrics");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.raw().headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(a.text()).isEqualTo("xcl_tunnels_active 3\n");
  }

  @Test
  void metricsAreNotFoundWhenTheGatewayHasNone() throws Exception {
    AdminServer noMetrics =
        startServer(new InetSocketAddress("127.0.0.1", 0), AdminServerIT::admit, Map::of, null);
    base = "http://127.0.0.1:" + noMetrics.tcpAddress().getPort();

    Answer a = get("/metrics");

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().get("error").asText()).isEqualTo("metrics are not enabled on this gateway");
  }

  @Test
  void aBodyOverFourMebibytesIsTooLarge() throws Exception {
    String huge = "# " + "x".repeat(4 << 20) + "\n" + PEER_WEST;

    Answer a = apply(huge);

    assertThat(a.status()).isEqualTo(413);
    assertThat(a.json().get("error").asText())
        .startsWith("request body: more than 4194304 bytes (expected: at most 4 MiB)");
    assertThat(store.list(Kind.PEER, null)).isEmpty();
    // the connection, or a new one, still serves requests
    assertThat(get("/healthz").status()).isEqualTo(200);
  }

  @Test
  void anAdmissionBugIsAnInternalErrorOnOneLine() throws Exception {
    AdminServer buggy =
        startServer(
            new InetSocketAddress("127.0.0.1", 0),
            o -> {
              throw new IllegalStateException("admission exploded\nsecond line");
            },
            Map::of,
            null);
    base = "http://127.0.0.1:" + buggy.tcpAddress().getPort();

    Answer a = apply(PEER_WEST);

    assertThat(a.status()).isEqualTo(500);
    assertThat(a.json().get("error").asText())
        .isEqualTo("internal error: IllegalStateException: admission exploded");
    assertThat(store.list(Kind.PEER, null)).isEmpty();
  }

  @Test
  void refusesToStartOnAnAddressInUse() {
    int port = servers.get(0).tcpAddress().getPort();
    AdminServer second =
        new AdminServer(
            config(new InetSocketAddress("127.0.0.1", port)),
            store,
            AdminServerIT::admit,
            Map::of,
            null,
            null,
            group,
            EpollServerSocketChannel.class);
    servers.add(second);

    assertThatThrownBy(second::start)
        .isInstanceOf(AdminStartException.class)
        .hasMessage(
            "admin address 127.0.0.1:" + port + " is already in use (expected: a free port)");
  }

  @Test
  void stopsListeningOnClose() {
    AdminServer server = servers.get(0);
    server.close();
    server.close();

    assertThatThrownBy(() -> get("/healthz")).isInstanceOf(IOException.class);
  }
}
