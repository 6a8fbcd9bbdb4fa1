package io.xclusterlink.kube;

import io.xclusterlink.kube.leader.LeaderTimings;
import java.nio.file.Path;

/**
 * How a gateway reaches its API server and what it watches, parsed once by the CLI.
 *
 * @param kubeconfig the kubeconfig file, or null for the in-cluster config (a pod's service
 *     account) or the usual kubeconfig lookup
 * @param context the kubeconfig context, or null for its current one
 * @param watchNamespace the namespace whose objects the gateway serves, or null for all
 * @param podName this replica's identity in the leader Lease (the pod's name), or null for a random
 *     one
 * @param podNamespace where the Lease lives when there is no watch namespace; null: {@code default}
 * @param leader the election's timings
 */
public record KubeConfig(
    Path kubeconfig,
    String context,
    String watchNamespace,
    String podName,
    String podNamespace,
    LeaderTimings leader) {

  public KubeConfig withLeader(LeaderTimings t) {
    return new KubeConfig(kubeconfig, context, watchNamespace, podName, podNamespace, t);
  }

  /** The namespace of the leader Lease: the watch namespace, else the pod's, else default. */
  public String leaseNamespace() {
    if (watchNamespace != null) {
      return watchNamespace;
    }
    return podNamespace != null && !podNamespace.isBlank() ? podNamespace : "default";
  }
}
