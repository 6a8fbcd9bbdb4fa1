package io.xclusterlink.kube;

import io.xclusterlink.gateway.GatewayParts;
import io.xclusterlink.gateway.config.GatewayConfig;

/**
 * The parts of a gateway in Kubernetes mode: the API server as its store (the custom resources of
 * the watch namespace, or all), admission that lets an Export stand for its Service, client
 * attributes from pods, the Services of exports as backends, and a Lease that elects the one
 * replica that writes status.
 */
public final class KubeGatewayParts {
  private KubeGatewayParts() {}

  /** Does no I/O: the Kubernetes parts start when the gateway opens its store. */
  public static GatewayParts create(GatewayConfig config, KubeConfig kube) {
    KubeRuntime runtime = new KubeRuntime(config.peerName(), kube);
    return new GatewayParts(
        runtime::start,
        store -> new KubeAdmission(store, kube.watchNamespace()),
        runtime::workloads,
        runtime.leadership(),
        runtime.backends());
  }
}
