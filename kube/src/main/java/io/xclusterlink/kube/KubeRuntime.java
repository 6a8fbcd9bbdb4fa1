package io.xclusterlink.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.xclusterlink.gateway.control.Leadership;
import io.xclusterlink.gateway.egress.WorkloadResolver;
import io.xclusterlink.gateway.ingress.BackendResolver;
import io.xclusterlink.kube.leader.LeaderSwitch;
import io.xclusterlink.kube.pods.PodWorkloadResolver;
import io.xclusterlink.kube.services.ExportServiceReconciler;
import io.xclusterlink.kube.services.ImportServiceReconciler;
import io.xclusterlink.kube.services.ServiceBackendResolver;
import io.xclusterlink.kube.services.ServiceCache;
import io.xclusterlink.kube.store.KubeStore;
import io.xclusterlink.store.Store;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes parts of one gateway, started together when the gateway opens its store and
 * stopped in reverse order when it closes it: the client, the {@link KubeStore}, the Service and
 * pod informers, the leader election and the Service reconcilers. Construction does no I/O.
 */
final class KubeRuntime {
  private static final Logger log = LoggerFactory.getLogger(KubeRuntime.class);

  private final String peer;
  private final KubeConfig kube;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final List<Runnable> leadershipChanges = new CopyOnWriteArrayList<>();
  private volatile KubernetesClient client;
  private volatile KubeStore store;
  private volatile ServiceCache services;
  private volatile PodWorkloadResolver pods;
  private volatile LeaderSwitch leader;

  KubeRuntime(String peer, KubeConfig kube) {
    this.peer = peer;
    this.kube = kube;
  }

  /** Starts everything; returns the store the gateway uses, whose close stops everything. */
  Store start() {
    try {
      client = KubeClients.create(kube);
      started.push(client);
      String ns = kube.watchNamespace();
      store = new KubeStore(client, ns).start();
      started.push(store);
      services = new ServiceCache(client, ns).start();
      started.push(services);
      pods = new PodWorkloadResolver(client, ns).start();
      started.push(pods);
      String identity =
          kube.podName() != null && !kube.podName().isBlank()
              ? kube.podName()
              : peer + "-" + UUID.randomUUID().toString().substring(0, 8);
      leader =
          new LeaderSwitch(
              client, kube.leaseNamespace(), "xcl-gateway-" + peer, identity, kube.leader());
      ImportServiceReconciler imports =
          new ImportServiceReconciler(store, services, client, peer, leader);
      started.push(imports);
      ExportServiceReconciler exports = new ExportServiceReconciler(store, services, leader);
      started.push(exports);
      store.addListener(imports);
      store.addListener(exports);
      // the control plane reconciles everything when the lead changes; so do the Services
      leader.onChange(() -> leadershipChanges.forEach(Runnable::run));
      leader.onElected(
          () -> {
            imports.reconcileAll();
            exports.reconcileAll();
          });
      leader.start();
      started.push(leader);
      log.info(
          "Kubernetes mode: {} at {}, watching {}, replica {}",
          peer,
          client.getMasterUrl(),
          ns == null ? "all namespaces" : "namespace " + ns,
          identity);
      return new KubeGatewayStore(store, this::synced, this::close);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private boolean synced() {
    return store.hasSynced() && services.hasSynced() && pods.hasSynced();
  }

  /**
   * Whether this replica leads (false until the store has started and it won the Lease), for the
   * control plane; stable from before the start, since the gateway is handed it before.
   */
  Leadership leadership() {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        LeaderSwitch l = leader;
        return l != null && l.isLeader();
      }

      @Override
      public void onChange(Runnable callback) {
        leadershipChanges.add(callback);
      }
    };
  }

  /** The pods' attributes once started; none before. */
  WorkloadResolver workloads() {
    return address -> {
      PodWorkloadResolver p = pods;
      return p == null ? Map.of() : p.attributesFor(address);
    };
  }

  /** Export backends: the export's host, or its Service's cluster IP. */
  BackendResolver backends() {
    return export -> {
      ServiceCache s = services;
      return s == null
          ? BackendResolver.SPEC.resolve(export)
          : new ServiceBackendResolver(s).resolve(export);
    };
  }

  void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.warn("error while stopping the Kubernetes parts of {}: {}", peer, e.toString());
      }
    }
  }
}
