package io.xclusterlink.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.api.Kind;
import io.xclusterlink.gateway.Gateway;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.kube.leader.LeaderTimings;
import io.xclusterlink.kube.store.KubeObjects;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Peers of one fabric whose gateways run in Kubernetes mode, each against the mock API server of
 * its "cluster", on 127.0.0.1; objects are written through the Kubernetes client as YAML.
 */
final class KubeFabric implements AutoCloseable {
  static final String NS = "shop";
  static final LeaderTimings FAST =
      new LeaderTimings(Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(200));

  final Path dir;
  final String fabric = "test";
  final List<AutoCloseable> closing = new ArrayList<>();

  KubeFabric(Path dir, String... peers) {
    this.dir = dir;
    FabricCa.createFabric(dir, fabric, KeyType.EC_P256);
    for (String p : peers) {
      FabricCa.createPeer(dir, fabric, p, KeyType.EC_P256);
    }
  }

  GatewayConfig config(String peer, String replica, String importAddress) {
    Path state = dir.resolve("state-" + replica);
    return GatewayConfig.defaults(
            peer,
            dir.resolve(fabric).resolve(peer),
            new InetSocketAddress("127.0.0.1", 0),
            AdminConfig.inStateDir(state),
            state)
        .withImportAddress(importAddress)
        .withHeartbeat(Duration.ofMillis(150), Duration.ofMillis(150), 5, 3);
  }

  /** Starts a replica of {@code peer}'s gateway against {@code cluster}. */
  Gateway start(String peer, String replica, String importAddress, MockCluster cluster) {
    GatewayConfig config = config(peer, replica, importAddress);
    KubeConfig kube = new KubeConfig(cluster.kubeconfig(dir, replica), null, NS, replica, NS, FAST);
    Gateway g = new Gateway(config, KubeGatewayParts.create(config, kube)).start();
    closing.add(g);
    return g;
  }

  /** Creates or replaces a custom resource of the API group from YAML, as kubectl would. */
  static GenericKubernetesResource apply(KubernetesClient client, String yaml) {
    GenericKubernetesResource r =
        client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    Kind kind = Kind.parse(r.getKind());
    var op = client.genericKubernetesResources(KubeObjects.context(kind));
    var in = kind.namespaced() ? op.inNamespace(NS) : op;
    GenericKubernetesResource old = in.withName(r.getMetadata().getName()).get();
    if (old == null) {
      return in.resource(r).create();
    }
    r.getMetadata().setResourceVersion(old.getMetadata().getResourceVersion());
    if (old.getAdditionalProperties().containsKey("status")) {
      r.setAdditionalProperty("status", old.getAdditionalProperties().get("status"));
    }
    return in.resource(r).update();
  }

  static GenericKubernetesResource get(KubernetesClient client, Kind kind, String name) {
    var op = client.genericKubernetesResources(KubeObjects.context(kind));
    return (kind.namespaced() ? op.inNamespace(NS) : op).withName(name).get();
  }

  static boolean delete(KubernetesClient client, Kind kind, String name) {
    var op = client.genericKubernetesResources(KubeObjects.context(kind));
    return !(kind.namespaced() ? op.inNamespace(NS) : op).withName(name).delete().isEmpty();
  }

  /** The condition {@code type} of a resource's status, as a map, or null. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> condition(GenericKubernetesResource r, String type) {
    if (r == null) {
      return null;
    }
    Map<String, Object> status = (Map<String, Object>) r.getAdditionalProperties().get("status");
    if (status == null || status.get("conditions") == null) {
      return null;
    }
    for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
      if (type.equals(c.get("type"))) {
        return c;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  static Integer targetPort(GenericKubernetesResource imp) {
    if (imp == null) {
      return null;
    }
    Object p = ((Map<String, Object>) imp.getAdditionalProperties().get("spec")).get("targetPort");
    return p == null ? null : ((Number) p).intValue();
  }

  static String peerYaml(String name, int port) {
    return "apiVersion: xclusterlink.io/v1alpha1\nkind: Peer\nmetadata: {name: "
        + name
        + "}\nspec:\n  gateways: [{host: 127.0.0.1, port: "
        + port
        + "}]\n";
  }

  static String allowAll(String name) {
    return "apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: "
        + name
        + ", namespace: shop}\nspec:\n  action: allow\n"
        + "  from: [{workloadSelector: {}}]\n  to: [{workloadSelector: {}}]\n";
  }

  static String importYaml(String name, String peer) {
    return "apiVersion: xclusterlink.io/v1alpha1\nkind: Import\nmetadata: {name: "
        + name
        + ", namespace: shop}\nspec:\n  port: 80\n  sources: [{peer: "
        + peer
        + ", exportName: "
        + name
        + ", exportNamespace: shop}]\n";
  }

  /** A ClusterIP Service whose cluster IP is 127.0.0.1 (the mock API server assigns none). */
  static Service service(String name, int port) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withClusterIP("127.0.0.1")
        .addNewPort()
        .withPort(port)
        .withNewTargetPort(port)
        .endPort()
        .endSpec()
        .build();
  }

  static Pod pod(String name, String ip, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName("frontend-sa")
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  /**
   * Connects to an import's listener on {@code host} and reads the backend's greeting; null when
   * the gateway reset or closed the connection instead.
   */
  static String ask(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(3000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      return in.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        // best effort
      }
    }
  }
}
