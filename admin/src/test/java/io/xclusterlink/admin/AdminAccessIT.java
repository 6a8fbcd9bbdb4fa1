package io.xclusterlink.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.Validation;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import io.xclusterlink.pki.PeerCredentials;
import io.xclusterlink.pki.TlsContexts;
import io.xclusterlink.store.EmbeddedStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may reach the admin API, over real sockets: the Unix socket (with {@code curl --unix-socket},
 * also as user {@code nobody}) and a TCP listener on 127.0.0.1 with mutual TLS and a bearer token
 * (with {@code curl}); and what a stranger may cost.
 */
class AdminAccessIT {
  private static final String TOKEN = "0123456789abcdef";
  private static final String PEER_WEST =
      """
      apiVersion: xclusterlink.io/v1alpha1
      kind: Peer
      metadata: {name: west}
      spec: {gateways: [{host: 127.0.0.1, port: 8443}]}
      """;

  private Path dir;
  private EventLoopGroup group;
  private EmbeddedStore store;
  private TlsContexts tls;
  private final List<AdminServer> servers = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    // a folder others may traverse (0755), unlike JUnit's temporary folders: so that only the
    // socket's own mode and the peer uid check keep another user out
    dir = Files.createTempDirectory(Path.of("/tmp"), "xcl-admin-it-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    store = EmbeddedStore.open(dir.resolve("store"));
    FabricCa.createFabric(dir, "acme", KeyType.EC_P256);
    FabricCa.createPeer(dir, "acme", "east", KeyType.EC_P256);
    FabricCa.createPeer(dir, "acme", "west", KeyType.EC_P256);
    FabricCa.createAdmin(dir, "acme", "alice", KeyType.EC_P256);
    tls = TlsContexts.load(PeerCredentials.inDir(dir.resolve("acme/east")), true);
    Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Files.setPosixFilePermissions(
        dir.resolve("token"), PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void stop() throws IOException {
    servers.forEach(AdminServer::close);
    store.close();
    tls.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private AdminServer server(AdminConfig config) {
    AdminServer s =
        new AdminServer(
            config,
            store,
            o -> {
              Validation.validate(o, true);
              return o;
            },
            () -> Map.of("peer", "east"),
            () -> "xcl_tunnels_active 0\n",
            tls::adminServer,
            group,
            EpollServerSocketChannel.class);
    servers.add(s);
    return s;
  }

  private AdminServer socketServer() {
    return server(new AdminConfig(dir.resolve("state/admin.sock"), null, null)).start();
  }

  private AdminServer tcpServer(boolean mutualTls, Path tokenFile) {
    return server(
            new AdminConfig(
                dir.resolve("state/admin.sock"),
                new AdminTcp(new InetSocketAddress("127.0.0.1", 0), mutualTls, tokenFile),
                null))
        .start();
  }

  /** What curl got: its exit code, the HTTP status (0 when none) and the body. */
  private record Curl(int exit, int status, String body) {}

  private static Curl curl(List<String> prefix, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(
        List.of(
            "curl",
            "-sS",
            "--max-time",
            "120",
            "-H",
            "Expect:",
            "-o",
            "-",
            "-w",
            "\n%{http_code}"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(130, TimeUnit.SECONDS)).isTrue();
    int nl = out.lastIndexOf('\n');
    int status = Integer.parseInt(out.substring(nl + 1).strip());
    return new Curl(p.exitValue(), status, out.substring(0, Math.max(nl, 0)));
  }

  private static Curl curl(String... args) throws IOException, InterruptedException {
    return curl(List.of(), args);
  }

  private String sock(AdminServer s) {
    return s.socketPath().toString();
  }

  private static String https(AdminServer s, String path) {
    return "https://127.0.0.1:" + s.tcpAddress().getPort() + path;
  }

  private static String http(AdminServer s, String path) {
    return "http://127.0.0.1:" + s.tcpAddress().getPort() + path;
  }

  // --- the socket

  @Test
  void theSocketIsPrivateAndServesItsOwner() throws Exception {
    AdminServer s = socketServer();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.socketPath())))
        .isEqualTo("rw-------");
    Curl applied =
        curl(
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: application/yaml",
            "--data-binary",
            PEER_WEST,
            "http://localhost/v1/apply");
    assertThat(applied.status()).isEqualTo(200);
    assertThat(store.list(Kind.PEER, null)).hasSize(1);
  }

  @Test
  void aWebPageIsRefusedOnTheSocket() throws Exception {
    AdminServer s = socketServer();

    Curl origin =
        curl(
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: application/yaml",
            "-H",
            "Origin: http://evil.example",
            "--data-binary",
            PEER_WEST,
            "http://localhost/v1/apply");
    Curl host =
        curl(
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: application/yaml",
            "-H",
            "Host: attacker.example",
            "--data-binary",
            PEER_WEST,
            "http://localhost/v1/apply");
    Curl plain =
        curl(
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: text/plain",
            "--data-binary",
            PEER_WEST,
            "http://localhost/v1/apply");

    assertThat(origin.status()).isEqualTo(403);
    assertThat(origin.body())
        .contains("Origin: http://evil.example: requests from web pages are refused");
    assertThat(host.status()).isEqualTo(403);
    assertThat(host.body())
        .contains("Host: attacker.example (expected: localhost, 127.0.0.1, [::1]");
    assertThat(plain.status()).isEqualTo(415);
    assertThat(plain.body())
        .contains(
            "Content-Type: text/plain (expected: application/yaml, application/x-yaml,"
                + " text/yaml, application/json)");
    assertThat(store.list(Kind.PEER, null)).isEmpty();
  }

  private static List<String> asNobody() {
    return List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
  }

  private static void assumeRoot() throws IOException {
    assumeTrue(
        (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
        "needs root to run curl as another user");
  }

  @Test
  void anotherUserCannotConnectToTheSocket() throws Exception {
    assumeRoot();
    AdminServer s = socketServer();
    // every folder on the way is traversable: only the socket's mode 0600 refuses
    Files.setPosixFilePermissions(
        s.socketPath().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));

    Curl c =
        curl(
            asNobody(),
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: application/yaml",
            "--data-binary",
            PEER_WEST,
            "http://localhost/v1/apply");

    assertThat(c.exit()).isEqualTo(7); // couldn't connect
    assertThat(c.status()).isZero();
    assertThat(store.list(Kind.PEER, null)).isEmpty();
  }

  @Test
  void anotherUserIsRefusedByItsUidEvenWhenTheSocketIsOpenToAll() throws Exception {
    assumeRoot();
    AdminServer s = socketServer();
    Files.setPosixFilePermissions(
        s.socketPath().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    // as if an operator opened the socket up: SO_PEERCRED still keeps others out
    Files.setPosixFilePermissions(s.socketPath(), PosixFilePermissions.fromString("rw-rw-rw-"));

    Curl c =
        curl(
            asNobody(),
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: application/yaml",
            "--data-binary",
            PEER_WEST,
            "http://localhost/v1/apply");
    Curl status = curl(asNobody(), "--unix-socket", sock(s), "http://localhost/v1/status");

    assertThat(c.status()).isEqualTo(403);
    assertThat(c.body())
        .contains("admin socket: peer uid 65534 (expected: the gateway's user, uid 0");
    assertThat(status.status()).isEqualTo(403);
    assertThat(store.list(Kind.PEER, null)).isEmpty();
  }

  @Test
  void theStateFolderItCreatesIsPrivate() throws Exception {
    AdminServer s = socketServer();

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(s.socketPath().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void aStaleSocketIsReplacedButALiveOneIsNot() throws Exception {
    AdminServer first = socketServer();
    assertThatThrownBy(() -> server(new AdminConfig(first.socketPath(), null, null)).start())
        .isInstanceOf(AdminStartException.class)
        .hasMessageContaining("is in use by another process");
  }

  @Test
  void aSocketLeftByAStoppedGatewayIsReplaced() throws Exception {
    Path socket = dir.resolve("state/admin.sock");
    Files.createDirectories(socket.getParent());
    // a socket file nobody listens on, as a killed gateway leaves it
    java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)
        .bind(UnixDomainSocketAddress.of(socket))
        .close();
    assertThat(Files.exists(socket)).isTrue();

    AdminServer s = socketServer();

    assertThat(curl("--unix-socket", sock(s), "http://localhost/healthz").status()).isEqualTo(200);
  }

  // --- TCP

  @Test
  void tcpWithoutCredentialsIsRefusedButTheHealthProbeIsOpen() throws Exception {
    AdminServer s = tcpServer(true, dir.resolve("token"));

    Curl none = curl("-k", https(s, "/v1/status"));
    Curl health = curl("-k", https(s, "/healthz"));
    Curl metrics = curl("-k", https(s, "/metrics"));

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.body())
        .contains(
            "authentication required (expected: an admin certificate of the fabric or"
                + " Authorization: Bearer TOKEN)");
    assertThat(health.status()).isEqualTo(200);
    assertThat(metrics.status()).as("/metrics names peers, imports and exports").isEqualTo(401);
  }

  @Test
  void anAdminCertificateIsAcceptedAndAPeerCertificateIsNot() throws Exception {
    AdminServer s = tcpServer(true, null);
    Path alice = dir.resolve("acme/admins/alice");
    Path west = dir.resolve("acme/west");

    Curl admin =
        curl(
            "-k",
            "--cert",
            alice.resolve("tls.crt").toString(),
            "--key",
            alice.resolve("tls.key").toString(),
            "-H",
            "Content-Type: application/yaml",
            "--data-binary",
            PEER_WEST,
            https(s, "/v1/apply"));
    Curl peer =
        curl(
            "-k",
            "--cert",
            west.resolve("tls.crt").toString(),
            "--key",
            west.resolve("tls.key").toString(),
            https(s, "/v1/status"));

    assertThat(admin.status()).isEqualTo(200);
    assertThat(store.list(Kind.PEER, null)).hasSize(1);
    assertThat(peer.status()).isEqualTo(403);
    assertThat(peer.body()).contains("client certificate 'CN=west' is not an admin certificate");
  }

  @Test
  void theTokenIsAcceptedAndAWrongOneIsNot() throws Exception {
    AdminServer s = tcpServer(false, dir.resolve("token"));

    Curl right =
        curl(
            "-H",
            "Authorization: Bearer " + TOKEN,
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            "{\"apiVersion\":\"xclusterlink.io/v1alpha1\",\"kind\":\"Peer\",\"metadata\":{\"name\":\"west\"},"
                + "\"spec\":{\"gateways\":[{\"host\":\"127.0.0.1\",\"port\":8443}]}}",
            http(s, "/v1/apply"));
    Curl wrong = curl("-H", "Authorization: Bearer nope", http(s, "/v1/peers"));
    Curl none = curl(http(s, "/v1/peers"));

    assertThat(right.status()).isEqualTo(200);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body()).contains("bearer token: does not match");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.body())
        .contains("authentication required (expected: Authorization: Bearer TOKEN)");
  }

  @Test
  void aWebPageIsRefusedOnTcpEvenWithTheToken() throws Exception {
    AdminServer s = tcpServer(false, dir.resolve("token"));

    Curl origin =
        curl(
            "-H",
            "Authorization: Bearer " + TOKEN,
            "-H",
            "Origin: http://evil.example",
            http(s, "/v1/peers"));
    Curl host =
        curl(
            "-H",
            "Authorization: Bearer " + TOKEN,
            "-H",
            "Host: attacker.example",
            http(s, "/v1/peers"));
    Curl plain =
        curl(
            "-H",
            "Authorization: Bearer " + TOKEN,
            "-H",
            "Content-Type: text/plain",
            "--data-binary",
            PEER_WEST,
            http(s, "/v1/apply"));

    assertThat(origin.status()).isEqualTo(403);
    assertThat(host.status()).isEqualTo(403);
    assertThat(plain.status()).isEqualTo(415);
    assertThat(store.list(Kind.PEER, null)).isEmpty();
  }

  @Test
  void tcpWithoutAuthenticationOrBeyondLoopbackWithoutMutualTlsDoesNotStart() throws IOException {
    AdminConfig bare =
        new AdminConfig(
            dir.resolve("state/admin.sock"),
            new AdminTcp(new InetSocketAddress("127.0.0.1", 0), false, null),
            null);
    AdminConfig wide =
        new AdminConfig(
            dir.resolve("state/admin.sock"),
            new AdminTcp(new InetSocketAddress("0.0.0.0", 0), false, dir.resolve("token")),
            null);
    Path open = dir.resolve("open-token");
    Files.writeString(open, TOKEN);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    AdminConfig readable =
        new AdminConfig(
            dir.resolve("state/admin.sock"),
            new AdminTcp(new InetSocketAddress("127.0.0.1", 0), false, open),
            null);

    assertThatThrownBy(() -> server(bare).start())
        .isInstanceOf(AdminStartException.class)
        .hasMessageStartingWith("admin TCP listener 127.0.0.1:0 has no authentication");
    assertThatThrownBy(() -> server(wide).start())
        .isInstanceOf(AdminStartException.class)
        .hasMessage(
            "admin TCP listener 0.0.0.0:0 is beyond loopback without mutual TLS (expected: a loopback"
                + " address, or --admin-mtls with admin certificates from xcl admin-cert create)");
    assertThatThrownBy(() -> server(readable).start())
        .isInstanceOf(AdminStartException.class)
        .hasMessageContaining("mode rw-r--r-- (expected: rw------- (0600)");
  }

  // --- limits

  private AdminServer limitedSocketServer(AdminLimits limits) {
    return server(new AdminConfig(dir.resolve("state/admin.sock"), null, limits)).start();
  }

  private static SocketChannel connect(AdminServer s) throws IOException {
    return SocketChannel.open(UnixDomainSocketAddress.of(s.socketPath()));
  }

  /** Whether the server closed the connection: a read sees the end of the stream (or a reset). */
  private static boolean closedByServer(SocketChannel ch) {
    try {
      ch.configureBlocking(false);
      ByteBuffer buf = ByteBuffer.allocate(4096);
      int n;
      do {
        buf.clear();
        n = ch.read(buf);
      } while (n > 0);
      return n < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void aTrickledBodyIsCutOffByTheRequestTimeout() throws Exception {
    AdminServer s =
        limitedSocketServer(
            new AdminLimits(4 << 20, Duration.ofMillis(800), Duration.ofSeconds(60), 64));
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (SocketChannel ch = connect(s)) {
      ch.write(
          StandardCharsets.US_ASCII.encode(
              "POST /v1/apply HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: application/yaml\r\nContent-Length: 1000\r\n\r\n"));
      AtomicInteger sent = new AtomicInteger();
      // one byte every 100 ms: never idle, never complete; at most 100 bytes
      trickle.scheduleAtFixedRate(
          () -> {
            if (sent.incrementAndGet() <= 100) {
              try {
                ch.write(ByteBuffer.wrap(new byte[] {'#'}));
              } catch (IOException e) {
                // the server closed it
              }
            }
          },
          100,
          100,
          TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(ch));
      assertThat(sent.get()).isLessThan(100);
    } finally {
      trickle.shutdownNow();
    }
  }

  @Test
  void aKeepAliveConnectionThatGoesQuietAfterAnAnswerIsClosedWhenIdle() throws Exception {
    AdminServer s =
        limitedSocketServer(
            new AdminLimits(4 << 20, Duration.ofSeconds(10), Duration.ofMillis(800), 64));
    try (SocketChannel ch = connect(s)) {
      ch.write(
          StandardCharsets.US_ASCII.encode(
              "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n"));
      ByteBuffer answer = ByteBuffer.allocate(4096);
      ch.read(answer);
      assertThat(new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 200");
      // the answered request stopped the request timer: only the idle limit can close it now
      await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(ch));
    }
  }

  @Test
  void anOversizeBodyIsTooLarge() throws Exception {
    AdminServer s =
        limitedSocketServer(
            new AdminLimits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60), 64));

    Curl c =
        curl(
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: application/yaml",
            "--data-binary",
            "# " + "x".repeat(2048) + "\n" + PEER_WEST,
            "http://localhost/v1/apply");

    assertThat(c.status()).isEqualTo(413);
    assertThat(c.body())
        .contains("request body: more than 1024 bytes (expected: at most 1024 bytes)");
  }

  @Test
  void anApplyOf3500PoliciesFitsTheDefaultBodyCap() throws Exception {
    AdminServer s = socketServer();
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 3500; i++) {
      yaml.append(
          """
          apiVersion: xclusterlink.io/v1alpha1
          kind: AccessPolicy
          metadata: {name: allow-team-%d-to-reach-service-%d, namespace: prod}
          spec:
            action: allow
            from: [{workloadSelector: {matchLabels: {peer.xclusterlink.io/name: west, client.xclusterlink.io/namespace: team-%d}}}]
            to:   [{workloadSelector: {matchExpressions: [{key: export.xclusterlink.io/name, operator: In, values: [service-%d]}]}}]
          ---
          """
              .formatted(i, i, i, i));
    }
    Path file = dir.resolve("policies.yaml");
    Files.writeString(file, yaml);
    assertThat(Files.size(file)).isGreaterThan(1 << 20); // more than the old cap

    Curl c =
        curl(
            "--unix-socket",
            sock(s),
            "-H",
            "Content-Type: application/yaml",
            "--data-binary",
            "@" + file,
            "http://localhost/v1/apply");

    assertThat(c.status()).isEqualTo(200);
    assertThat(store.list(Kind.ACCESS_POLICY, "prod")).hasSize(3500);
  }

  @Test
  void connectionsBeyondTheCapAreClosed() throws Exception {
    AdminServer s =
        limitedSocketServer(
            new AdminLimits(4 << 20, Duration.ofSeconds(30), Duration.ofSeconds(60), 2));
    try (SocketChannel a = connect(s);
        SocketChannel b = connect(s);
        SocketChannel c = connect(s)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(c));
      assertThat(closedByServer(a)).isFalse();
      assertThat(closedByServer(b)).isFalse();
    }
  }
}
