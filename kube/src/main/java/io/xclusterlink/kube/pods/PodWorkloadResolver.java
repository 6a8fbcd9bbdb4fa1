package io.xclusterlink.kube.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.xclusterlink.gateway.egress.WorkloadResolver;
import io.xclusterlink.policy.AttributeKeys;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client attributes from pods: a pod informer keeps a map from each running pod's IP to its
 * namespace, service account and labels ({@code client.xclusterlink.io/...}), so the egress side
 * looks a connection's source address up in memory; an unknown address gets no attributes. Pods on
 * the host network share the node's address and are left out.
 */
public final class PodWorkloadResolver implements WorkloadResolver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodWorkloadResolver.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Entry> byIp = new ConcurrentHashMap<>();
  private SharedIndexInformer<Pod> informer;

  /** One pod's attributes, with its uid so that a later pod on the same IP is not removed. */
  private record Entry(String uid, Map<String, String> attributes) {}

  /**
   * @param namespaceOrNullForAll whose pods are known
   */
  public PodWorkloadResolver(KubernetesClient client, String namespaceOrNullForAll) {
    this.client = client;
    this.namespace = namespaceOrNullForAll;
  }

  /** Starts the informer; returns at once. */
  public PodWorkloadResolver start() {
    informer =
        namespace == null
            ? client.pods().inAnyNamespace().runnableInformer(0)
            : client.pods().inNamespace(namespace).runnableInformer(0);
    informer.exceptionHandler(
        (started, t) -> {
          log.warn("pod informer: {} (retrying; known pods stay known)", t.toString());
          return true;
        });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod p) {
            put(p);
          }

          @Override
          public void onUpdate(Pod old, Pod p) {
            remove(old);
            put(p);
          }

          @Override
          public void onDelete(Pod p, boolean finalStateUnknown) {
            remove(p);
          }
        });
    informer.start();
    return this;
  }

  public boolean hasSynced() {
    SharedIndexInformer<Pod> i = informer;
    return i != null && i.hasSynced();
  }

  @Override
  public Map<String, String> attributesFor(InetAddress address) {
    if (address == null) {
      return Map.of();
    }
    Entry e = byIp.get(address.getHostAddress());
    return e == null ? Map.of() : e.attributes();
  }

  private void put(Pod p) {
    if (!carriesTraffic(p)) {
      return;
    }
    Entry e =
        new Entry(
            p.getMetadata().getUid(),
            AttributeKeys.client(
                p.getMetadata().getNamespace(),
                p.getSpec() == null ? null : p.getSpec().getServiceAccountName(),
                p.getMetadata().getLabels()));
    for (String ip : ips(p)) {
      byIp.put(ip, e);
    }
  }

  private void remove(Pod p) {
    for (String ip : ips(p)) {
      byIp.computeIfPresent(
          ip, (k, e) -> e.uid() != null && e.uid().equals(p.getMetadata().getUid()) ? null : e);
    }
  }

  private static boolean carriesTraffic(Pod p) {
    if (p.getSpec() != null && Boolean.TRUE.equals(p.getSpec().getHostNetwork())) {
      return false;
    }
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    // a finished pod's address goes back to the pool
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /** The pod's addresses in the form InetAddress prints them (so IPv6 compares as such). */
  private static Set<String> ips(Pod p) {
    Set<String> out = new LinkedHashSet<>();
    if (p.getStatus() == null) {
      return out;
    }
    addIp(out, p.getStatus().getPodIP());
    if (p.getStatus().getPodIPs() != null) {
      for (PodIP ip : p.getStatus().getPodIPs()) {
        addIp(out, ip.getIp());
      }
    }
    return out;
  }

  private static void addIp(Set<String> out, String ip) {
    if (ip == null || ip.isBlank()) {
      return;
    }
    // literal addresses only: InetAddress does no lookup for them
    if (ip.indexOf(':') >= 0 || ip.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      try {
        out.add(InetAddress.getByName(ip).getHostAddress());
      } catch (java.net.UnknownHostException e) {
        // not an address: ignored
      }
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.stop();
    }
  }
}
