package io.xclusterlink.cli.objects;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.admin.AdminServer;
import io.xclusterlink.api.Validation;
import io.xclusterlink.cli.CliRun.Result;
import io.xclusterlink.store.EmbeddedStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object commands against the real admin REST server and embedded store, over its Unix socket.
 */
class AdminApiIT {
  private static final String OBJECTS =
      """
      apiVersion: xclusterlink.io/v1alpha1
      kind: Peer
      metadata: {name: east}
      spec: {gateways: [{host: 127.0.0.1, port: 8443}]}
      ---
      apiVersion: xclusterlink.io/v1alpha1
      kind: Import
      metadata: {name: web, namespace: prod}
      spec:
        port: 80
        targetPort: 15080
        sources: [{peer: east, exportName: web, exportNamespace: prod}]
      """;

  @TempDir Path dir;
  private EventLoopGroup group;
  private EmbeddedStore store;
  private AdminServer admin;
  private String url;

  @BeforeEach
  void startAdminServer() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    store = EmbeddedStore.open(dir.resolve("state"));
    admin =
        new AdminServer(
                AdminConfig.inStateDir(dir.resolve("state")),
                store,
                incoming -> {
                  Validation.validate(incoming, true);
                  return incoming;
                },
                () -> Map.of("peer", "west", "peers", List.of()),
                null,
                null,
                group,
                EpollServerSocketChannel.class)
            .start();
    url = dir.resolve("state").resolve("admin.sock").toString();
  }

  @AfterEach
  void stop() {
    admin.close();
    store.close();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void appliesListsShowsAndDeletesObjects() throws IOException {
    Path file = Files.writeString(dir.resolve("objects.yaml"), OBJECTS);

    Result created = run("--admin", url, "apply", "-f", file.toString());
    Result again = run("--admin", url, "apply", "-f", file.toString());
    Result imports = run("--admin", url, "get", "imports", "-n", "prod");
    Result all = run("--admin", url, "get", "imports", "-A", "-o", "yaml");
    Result peer = run("--admin", url, "get", "peer", "east", "-o", "json");
    Result deleted = run("--admin", url, "delete", "import", "web", "-n", "prod");
    Result gone = run("--admin", url, "get", "import", "web", "-n", "prod");

    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).isEqualTo("peer east created\nimport prod/web created\n");
    assertThat(again.out()).isEqualTo("peer east unchanged\nimport prod/web unchanged\n");
    assertThat(imports.out()).containsPattern("prod +web +80 +15080 +east/prod/web +round-robin");
    assertThat(all.out())
        .contains("kind: Import", "namespace: prod", "resourceVersion: 2", "generation: 1");
    assertThat(peer.out()).contains("\"name\" : \"east\"");
    assertThat(deleted.out()).isEqualTo("import prod/web deleted\n");
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err())
        .startsWith("xcl: ")
        .contains("web")
        .contains("not found")
        .hasLineCount(1);
  }

  @Test
  void anInvalidObjectIsRefusedInOneLineAndNothingIsStored() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"),
            OBJECTS.replace("port: 80\n", "port: 80\n  lbScheme: fastest\n"));

    Result r = run("--admin", url, "apply", "-f", file.toString());
    Result peers = run("--admin", url, "get", "peers");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("xcl: ").contains("lbScheme", "fastest").hasLineCount(1);
    assertThat(peers.out()).isEmpty();
    assertThat(peers.err()).isEqualTo("no peers\n");
  }

  @Test
  void anObjectEditedFromAStaleGetIsRefusedInOneLine() throws IOException {
    Path file = Files.writeString(dir.resolve("objects.yaml"), OBJECTS);
    run("--admin", url, "apply", "-f", file.toString());
    Result shown = run("--admin", url, "get", "import", "web", "-n", "prod", "-o", "yaml");
    Path edited =
        Files.writeString(
            dir.resolve("edited.yaml"), shown.out().replace("port: 80\n", "port: 81\n"));
    Files.writeString(file, OBJECTS.replace("port: 80\n", "port: 82\n"));
    run("--admin", url, "apply", "-f", file.toString());

    Result r = run("--admin", url, "apply", "-f", edited.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("xcl: ")
        .contains("Import prod/web: metadata.resourceVersion", "is stale", "nothing applied")
        .hasLineCount(1);
    assertThat(run("--admin", url, "get", "imports", "-n", "prod").out())
        .containsPattern("prod +web +82 ");
  }

  @Test
  void statusRendersWhatTheServerAnswers() {
    Result r = run("--admin", url, "status");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("peer: west", "PEERS (none)");
  }
}
