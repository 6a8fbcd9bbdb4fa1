package io.xclusterlink.kube;

import static io.xclusterlink.kube.KubeFabric.NS;
import static io.xclusterlink.kube.KubeFabric.allowAll;
import static io.xclusterlink.kube.KubeFabric.apply;
import static io.xclusterlink.kube.KubeFabric.ask;
import static io.xclusterlink.kube.KubeFabric.condition;
import static io.xclusterlink.kube.KubeFabric.get;
import static io.xclusterlink.kube.KubeFabric.importYaml;
import static io.xclusterlink.kube.KubeFabric.peerYaml;
import static io.xclusterlink.kube.KubeFabric.targetPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Kind;
import io.xclusterlink.gateway.Gateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two peers in Kubernetes mode, each with its own mock API server: p0 ("east") exports, p1 ("west")
 * imports; every object is written through the Kubernetes client, and real TCP clients connect to
 * p1's import listener on 127.0.0.1.
 */
class KubeGatewayIT {
  @TempDir Path dir;
  KubeFabric fabric;
  MockCluster east;
  MockCluster west;
  EchoServer backend;
  Gateway p0;
  Gateway p1;

  @BeforeEach
  void start() throws Exception {
    fabric = new KubeFabric(dir, "p0", "p1");
    east = new MockCluster();
    west = new MockCluster();
    backend = new EchoServer("hello from p0");
    p0 = fabric.start("p0", "p0-a", "127.0.0.1", east);
    p1 = fabric.start("p1", "p1-a", "127.0.0.1", west);
    apply(east.client, peerYaml("p1", p1.tunnelAddress().getPort()));
    apply(west.client, peerYaml("p0", p0.tunnelAddress().getPort()));
    apply(east.client, allowAll("allow-all"));
    apply(west.client, allowAll("allow-all"));
    await().atMost(Duration.ofSeconds(30)).until(() -> p0.ready() && p1.ready());
  }

  @AfterEach
  void stop() throws Exception {
    fabric.close();
    backend.close();
    east.close();
    west.close();
  }

  private String exportYaml(String name) {
    return "apiVersion: xclusterlink.io/v1alpha1\nkind: Export\nmetadata: {name: "
        + name
        + ", namespace: shop}\nspec: {port: "
        + backend.port()
        + "}\n";
  }

  /** Applies an import on west and waits for its target port. */
  private int importAndWait(String name) {
    apply(west.client, importYaml(name, "p0"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> targetPort(get(west.client, Kind.IMPORT, name)) != null);
    return targetPort(get(west.client, Kind.IMPORT, name));
  }

  private void exportWithService(String name) {
    apply(east.client, exportYaml(name));
    east.client
        .services()
        .inNamespace(NS)
        .resource(KubeFabric.service(name, backend.port()))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Map<String, Object> c =
                  condition(get(east.client, Kind.EXPORT, name), Condition.EXPORT_VALID);
              return c != null && "True".equals(c.get("status"));
            });
  }

  @Test
  void objectsAppliedThroughTheApiServerCarryTrafficAndTheImportsServiceComesAndGoes() {
    // an export without a host stands for the Service of its name: missing at first
    apply(east.client, exportYaml("web"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Map<String, Object> c =
                  condition(get(east.client, Kind.EXPORT, "web"), Condition.EXPORT_VALID);
              assertThat(c).isNotNull();
              assertThat(c.get("status")).isEqualTo("False");
              assertThat(c.get("reason")).isEqualTo("ServiceNotFound");
              assertThat(((Number) c.get("observedGeneration")).longValue()).isEqualTo(1L);
            });
    east.client
        .services()
        .inNamespace(NS)
        .resource(KubeFabric.service("web", backend.port()))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Map<String, Object> c =
                  condition(get(east.client, Kind.EXPORT, "web"), Condition.EXPORT_VALID);
              assertThat(c.get("status")).isEqualTo("True");
              assertThat(c.get("reason")).isEqualTo("ServiceFound");
            });

    int port = importAndWait("web");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask("127.0.0.1", port)));

    // the import's Service: ClusterIP, port 80 to the target port on p1's gateway pods, owned
    GenericKubernetesResource imp = get(west.client, Kind.IMPORT, "web");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Service s = west.client.services().inNamespace(NS).withName("web").get();
              assertThat(s).isNotNull();
              assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
              assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
              assertThat(s.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(port);
              assertThat(s.getSpec().getSelector())
                  .containsEntry("app.kubernetes.io/name", "xcl-gateway")
                  .containsEntry("xclusterlink.io/peer", "p1");
              OwnerReference owner = s.getMetadata().getOwnerReferences().get(0);
              assertThat(owner.getKind()).isEqualTo("Import");
              assertThat(owner.getName()).isEqualTo("web");
              assertThat(owner.getUid()).isEqualTo(imp.getMetadata().getUid());
              assertThat(owner.getController()).isTrue();
              Map<String, Object> c =
                  condition(get(west.client, Kind.IMPORT, "web"), Condition.IMPORT_SERVICE_VALID);
              assertThat(c.get("status")).isEqualTo("True");
              assertThat(c.get("reason")).isEqualTo("ServiceReady");
            });

    // a spec change: new generation, the conditions say they saw it, the Service follows
    GenericKubernetesResource edit = get(west.client, Kind.IMPORT, "web");
    long generation = edit.getMetadata().getGeneration();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) edit.getAdditionalProperties().get("spec");
    spec.put("port", 8080);
    west.client
        .genericKubernetesResources(io.xclusterlink.kube.store.KubeObjects.context(Kind.IMPORT))
        .inNamespace(NS)
        .resource(edit)
        .update();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              GenericKubernetesResource now = get(west.client, Kind.IMPORT, "web");
              assertThat(now.getMetadata().getGeneration()).isEqualTo(generation + 1);
              Map<String, Object> c = condition(now, Condition.IMPORT_TARGET_PORT_VALID);
              assertThat(((Number) c.get("observedGeneration")).longValue())
                  .isEqualTo(generation + 1);
              assertThat(
                      west.client
                          .services()
                          .inNamespace(NS)
                          .withName("web")
                          .get()
                          .getSpec()
                          .getPorts()
                          .get(0)
                          .getPort())
                  .isEqualTo(8080);
            });

    // the Service goes with the Import, and so does the listener
    assertThat(KubeFabric.delete(west.client, Kind.IMPORT, "web")).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(west.client.services().inNamespace(NS).withName("web").get()).isNull();
              assertThat(ask("127.0.0.1", port)).isNull();
            });
  }

  @Test
  void aServiceTheProjectDoesNotOwnIsLeftAlone() {
    Service foreign =
        west.client.services().inNamespace(NS).resource(KubeFabric.service("db", 5432)).create();
    exportWithService("db");
    int port = importAndWait("db");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Map<String, Object> c =
                  condition(get(west.client, Kind.IMPORT, "db"), Condition.IMPORT_SERVICE_VALID);
              assertThat(c.get("status")).isEqualTo("False");
              assertThat(c.get("reason")).isEqualTo("Conflict");
              assertThat((String) c.get("message")).contains("not owned");
            });
    // the listener works all the same (clients can reach it by the gateway pods' address)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask("127.0.0.1", port)));
    Service after = west.client.services().inNamespace(NS).withName("db").get();
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();

    KubeFabric.delete(west.client, Kind.IMPORT, "db");
    await().atMost(Duration.ofSeconds(30)).until(() -> ask("127.0.0.1", port) == null);
    assertThat(west.client.services().inNamespace(NS).withName("db").get()).isNotNull();
  }

  @Test
  void aPolicyChangeThroughTheApiServerTakesEffectForNewConnections() {
    exportWithService("web");
    int port = importAndWait("web");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask("127.0.0.1", port)));

    apply(
        east.client,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\n"
            + "metadata: {name: deny-p1, namespace: shop}\nspec:\n  action: deny\n"
            + "  from: [{workloadSelector: {matchLabels: {peer.xclusterlink.io/name: p1}}}]\n"
            + "  to: [{workloadSelector: {}}]\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> ask("127.0.0.1", port) == null);

    KubeFabric.delete(east.client, Kind.ACCESS_POLICY, "deny-p1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask("127.0.0.1", port)));
  }

  @Test
  void podLabelsDecideAPolicy() {
    exportWithService("web");
    int port = importAndWait("web");
    // west allows only clients labelled app=frontend; the test's client is the pod at 127.0.0.1
    KubeFabric.delete(west.client, Kind.ACCESS_POLICY, "allow-all");
    apply(
        west.client,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\n"
            + "metadata: {name: frontend-only, namespace: shop}\nspec:\n  action: allow\n"
            + "  from: [{workloadSelector: {matchLabels:"
            + " {client.xclusterlink.io/labels.app: frontend,"
            + " client.xclusterlink.io/service-account: frontend-sa}}}]\n"
            + "  to: [{workloadSelector: {}}]\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> ask("127.0.0.1", port) == null);

    west.client
        .pods()
        .inNamespace(NS)
        .resource(KubeFabric.pod("frontend-1", "127.0.0.1", Map.of("app", "frontend")))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask("127.0.0.1", port)));

    west.client
        .pods()
        .inNamespace(NS)
        .withName("frontend-1")
        .edit(
            p -> {
              p.getMetadata().setLabels(Map.of("app", "batch"));
              return p;
            });
    await().atMost(Duration.ofSeconds(30)).until(() -> ask("127.0.0.1", port) == null);
  }

  @Test
  void trafficKeepsFlowingWhileTheApiServerIsAwayAndTheGatewayResyncsWhenItIsBack()
      throws Exception {
    exportWithService("web");
    int port = importAndWait("web");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask("127.0.0.1", port)));

    west.stop();
    east.stop();
    for (int i = 0; i < 20; i++) {
      assertThat(ask("127.0.0.1", port))
          .as("connection %d with both API servers away", i)
          .isEqualTo("hello from p0");
    }

    // while west's API server is away, a deny policy lands in its storage (through a sibling)
    KubernetesMockServer sibling = west.sibling();
    try (KubernetesClient other = sibling.createClient()) {
      apply(
          other,
          "apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\n"
              + "metadata: {name: deny-all, namespace: shop}\nspec:\n  action: deny\n"
              + "  from: [{workloadSelector: {}}]\n  to: [{workloadSelector: {}}]\n");
    } finally {
      sibling.destroy();
    }
    assertThat(ask("127.0.0.1", port)).isEqualTo("hello from p0");

    west.startAgain();
    east.startAgain();
    await().atMost(Duration.ofSeconds(30)).until(() -> ask("127.0.0.1", port) == null);
    KubeFabric.delete(west.client, Kind.ACCESS_POLICY, "deny-all");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask("127.0.0.1", port)));
  }
}
