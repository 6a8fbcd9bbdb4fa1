package io.xclusterlink.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.xclusterlink.api.Kind;
import io.xclusterlink.kube.store.KubeObjects;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xcl gateway start --store kubernetes} as separate processes, as a pod would run it: p0
 * against one mock API server, two replicas of p1 against another, every object written through the
 * Kubernetes client. Probes answer on {@code --health-listen}; both replicas carry traffic; a
 * SIGKILLed leader (its Lease never released) is replaced by the other replica.
 */
class KubeGatewayProcessIT {
  static final String NS = "shop";

  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void gatewayProcessesServeKubernetesObjectsAndFailOverWhenTheLeaderIsKilled() throws Exception {
    FabricCa.createFabric(dir, "test", KeyType.EC_P256);
    FabricCa.createPeer(dir, "test", "p0", KeyType.EC_P256);
    FabricCa.createPeer(dir, "test", "p1", KeyType.EC_P256);
    KubernetesMockServer east = mockServer();
    KubernetesMockServer west = mockServer();
    KubernetesClient eastClient = east.createClient();
    KubernetesClient westClient = west.createClient();
    closing.add(eastClient);
    closing.add(westClient);
    Backend backend = new Backend();
    closing.add(backend);

    int p0Port = freePort();
    int p1aPort = freePort();
    int p1bPort = freePort();
    Map<String, Integer> health =
        Map.of("p0-a", freePort(), "p1-a", freePort(), "p1-b", freePort());
    Map<String, String> importAddress =
        Map.of("p0-a", "127.0.0.1", "p1-a", "127.0.0.2", "p1-b", "127.0.0.3");
    Map<String, Process> byReplica = new LinkedHashMap<>();
    byReplica.put("p0-a", start("p0", "p0-a", p0Port, east, health, importAddress));
    byReplica.put("p1-a", start("p1", "p1-a", p1aPort, west, health, importAddress));
    byReplica.put("p1-b", start("p1", "p1-b", p1bPort, west, health, importAddress));

    // liveness at once; readiness once the store has synced
    for (String replica : byReplica.keySet()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> httpStatus(health.get(replica), "/readyz") == 200);
      assertThat(httpStatus(health.get(replica), "/healthz")).isEqualTo(200);
      assertThat(httpStatus(health.get(replica), "/metrics")).isEqualTo(404);
    }

    apply(
        eastClient,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Peer\nmetadata: {name: p1}\nspec:\n"
            + "  gateways: [{host: 127.0.0.1, port: "
            + p1aPort
            + "}, {host: 127.0.0.1, port: "
            + p1bPort
            + "}]\n");
    apply(
        westClient,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Peer\nmetadata: {name: p0}\nspec:\n"
            + "  gateways: [{host: 127.0.0.1, port: "
            + p0Port
            + "}]\n");
    for (KubernetesClient c : List.of(eastClient, westClient)) {
      apply(
          c,
          "apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\n"
              + "metadata: {name: allow-all, namespace: shop}\nspec:\n  action: allow\n"
              + "  from: [{workloadSelector: {}}]\n  to: [{workloadSelector: {}}]\n");
    }
    // an export without a host: the Service of its name (cluster IP 127.0.0.1 here)
    apply(
        eastClient,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Export\nmetadata: {name: web, namespace:"
            + " shop}\nspec: {port: "
            + backend.port()
            + "}\n");
    eastClient
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withClusterIP("127.0.0.1")
                .addNewPort()
                .withPort(backend.port())
                .endPort()
                .endSpec()
                .build())
        .create();
    apply(
        westClient,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Import\nmetadata: {name: web, namespace:"
            + " shop}\nspec:\n  port: 80\n"
            + "  sources: [{peer: p0, exportName: web, exportNamespace: shop}]\n");
    await().atMost(Duration.ofSeconds(60)).until(() -> targetPort(westClient) != null);
    int port = targetPort(westClient);
    for (String replica : List.of("p1-a", "p1-b")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> "hello".equals(ask(importAddress.get(replica), port)));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> westClient.services().inNamespace(NS).withName("web").get() != null);

    // kill -9 the leader: its Lease is not released; the other replica takes over when it expires
    await().atMost(Duration.ofSeconds(60)).until(() -> holder(westClient) != null);
    String leader = holder(westClient);
    String follower = leader.equals("p1-a") ? "p1-b" : "p1-a";
    byReplica.get(leader).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(60)).until(() -> follower.equals(holder(westClient)));
    String followerSays = "listening on " + importAddress.get(follower) + ":" + port;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> followerSays.equals(importMessage(westClient)));
    assertThat(ask(importAddress.get(follower), port)).isEqualTo("hello");
  }

  private Process start(
      String peer,
      String replica,
      int port,
      KubernetesMockServer api,
      Map<String, Integer> health,
      Map<String, String> importAddress)
      throws IOException {
    Path kubeconfig = dir.resolve(replica + ".kubeconfig");
    Files.writeString(
        kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
            + "    server: http://127.0.0.1:"
            + api.getPort()
            + "\ncontexts:\n- name: mock\n  context: {cluster: mock, user: mock}\n"
            + "current-context: mock\nusers:\n- name: mock\n  user: {token: test}\n");
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "io.xclusterlink.cli.XclMain"));
    command.addAll(
        List.of(
            "gateway",
            "start",
            "--fabric",
            "test",
            "--name",
            peer,
            "--dir",
            dir.toString(),
            "--port",
            String.valueOf(port),
            "--bind",
            "127.0.0.1",
            "--state-dir",
            dir.resolve("state-" + replica).toString(),
            "--store",
            "kubernetes",
            "--kubeconfig",
            kubeconfig.toString(),
            "--watch-namespace",
            NS,
            "--health-listen",
            "127.0.0.1:" + health.get(replica),
            "--import-address",
            importAddress.get(replica),
            "--heartbeat",
            "300ms",
            "--heartbeat-unreachable",
            "300ms",
            "--leader-lease",
            "3s"));
    ProcessBuilder b =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(replica + ".log").toFile());
    b.environment().put("POD_NAME", replica);
    b.environment().put("POD_NAMESPACE", NS);
    Process p = b.start();
    p.getOutputStream().close();
    processes.add(p);
    return p;
  }

  private KubernetesMockServer mockServer() {
    KubernetesMockServer s =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    s.init(InetAddress.getLoopbackAddress(), 0);
    closing.add(s::destroy);
    return s;
  }

  private static void apply(KubernetesClient client, String yaml) {
    GenericKubernetesResource r =
        client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    Kind kind = Kind.parse(r.getKind());
    var op = client.genericKubernetesResources(KubeObjects.context(kind));
    (kind.namespaced() ? op.inNamespace(NS) : op).resource(r).create();
  }

  @SuppressWarnings("unchecked")
  private static Integer targetPort(KubernetesClient client) {
    GenericKubernetesResource imp =
        client
            .genericKubernetesResources(KubeObjects.context(Kind.IMPORT))
            .inNamespace(NS)
            .withName("web")
            .get();
    Object p = ((Map<String, Object>) imp.getAdditionalProperties().get("spec")).get("targetPort");
    return p == null ? null : ((Number) p).intValue();
  }

  @SuppressWarnings("unchecked")
  private static String importMessage(KubernetesClient client) {
    GenericKubernetesResource imp =
        client
            .genericKubernetesResources(KubeObjects.context(Kind.IMPORT))
            .inNamespace(NS)
            .withName("web")
            .get();
    Map<String, Object> status = (Map<String, Object>) imp.getAdditionalProperties().get("status");
    if (status == null || status.get("conditions") == null) {
      return null;
    }
    for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
      if ("ImportTargetPortValid".equals(c.get("type"))) {
        return (String) c.get("message");
      }
    }
    return null;
  }

  private static String holder(KubernetesClient client) {
    Lease l = client.leases().inNamespace(NS).withName("xcl-gateway-p1").get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  private static int httpStatus(int port, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String ask(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(3000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /** A backend on 127.0.0.1 that greets each connection with "hello". */
  private static final class Backend implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Thread thread;

    Backend() throws IOException {
      thread =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept();
                      OutputStream out = s.getOutputStream()) {
                    out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                  } catch (IOException e) {
                    // closed, or the client went away
                  }
                }
              },
              "backend");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
