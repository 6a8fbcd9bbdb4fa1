package io.xclusterlink.kube.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pod IPs to client attributes, from a pod informer over the mock API server. */
@EnableKubernetesMockClient(crud = true)
class PodWorkloadResolverIT {
  @BeforeAll
  static void patience() {
    // the machines that run these share two cores among many builds
    Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
  }

  KubernetesClient client;
  PodWorkloadResolver pods;

  @BeforeEach
  void start() {
    pods = new PodWorkloadResolver(client, null).start();
    await().atMost(Duration.ofSeconds(30)).until(pods::hasSynced);
  }

  @AfterEach
  void stop() {
    pods.close();
  }

  static Pod pod(String ns, String name, String ip, boolean hostNetwork, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(name + "-sa")
        .withHostNetwork(hostNetwork)
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  private Map<String, String> of(String ip) throws Exception {
    return pods.attributesFor(InetAddress.getByName(ip));
  }

  @Test
  void aPodsAddressGivesItsNamespaceAccountAndLabels() throws Exception {
    client
        .pods()
        .inNamespace("shop")
        .resource(pod("shop", "web", "10.1.0.7", false, "Running"))
        .create();
    await().until(() -> !of("10.1.0.7").isEmpty());
    assertThat(of("10.1.0.7"))
        .containsEntry("client.xclusterlink.io/namespace", "shop")
        .containsEntry("client.xclusterlink.io/service-account", "web-sa")
        .containsEntry("client.xclusterlink.io/labels.app", "web");
    assertThat(of("10.1.0.8")).isEmpty();
    assertThat(pods.attributesFor(null)).isEmpty();

    client.pods().inNamespace("shop").withName("web").delete();
    await().until(() -> of("10.1.0.7").isEmpty());
  }

  @Test
  void hostNetworkAndFinishedPodsAreLeftOutAndAReusedAddressBelongsToTheNewPod() throws Exception {
    client
        .pods()
        .inNamespace("kube-system")
        .resource(pod("kube-system", "node-agent", "10.1.0.1", true, "Running"))
        .create();
    client
        .pods()
        .inNamespace("shop")
        .resource(pod("shop", "old", "10.1.0.9", false, "Succeeded"))
        .create();
    client
        .pods()
        .inNamespace("shop")
        .resource(pod("shop", "new", "10.1.0.9", false, "Running"))
        .create();
    await().until(() -> !of("10.1.0.9").isEmpty());
    assertThat(of("10.1.0.9")).containsEntry("client.xclusterlink.io/labels.app", "new");
    assertThat(of("10.1.0.1")).isEmpty();

    client.pods().inNamespace("shop").withName("old").delete();
    client
        .pods()
        .inNamespace("shop")
        .resource(pod("shop", "probe", "10.1.0.10", false, "Running"))
        .create();
    await().until(() -> !of("10.1.0.10").isEmpty());
    assertThat(of("10.1.0.9")).containsEntry("client.xclusterlink.io/labels.app", "new");
  }
}
