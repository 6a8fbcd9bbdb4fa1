package io.xclusterlink.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.xclusterlink.gateway.config.GatewayStartException;
import java.nio.file.Files;

/** Builds the API server's client from a {@link KubeConfig}. */
final class KubeClients {
  private KubeClients() {}

  static KubernetesClient create(KubeConfig kube) {
    Config config;
    try {
      if (kube.kubeconfig() != null) {
        if (!Files.isReadable(kube.kubeconfig())) {
          throw new GatewayStartException(
              "--kubeconfig "
                  + kube.kubeconfig()
                  + ": not a readable file (expected: a kubeconfig)",
              null);
        }
        config = Config.fromKubeconfig(kube.context(), kube.kubeconfig().toFile());
      } else {
        config = Config.autoConfigure(kube.context());
      }
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new GatewayStartException(
          "Kubernetes client configuration"
              + (kube.context() == null ? "" : " (context " + kube.context() + ")")
              + ": "
              + e.getMessage(),
          e);
    }
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new GatewayStartException(
          "no API server found (expected: --kubeconfig FILE, or running in a pod)", null);
    }
    // a write that cannot reach the API server fails after a few seconds rather than a minute;
    // the informers retry on their own for as long as it takes
    config.setRequestRetryBackoffLimit(2);
    config.setRequestRetryBackoffInterval(200);
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
