package io.xclusterlink.kube.services;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Services of the watch namespace (or all), from one informer: read by the import and export
 * reconcilers and by the ingress (an export's backend address), never with an API call.
 */
public final class ServiceCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceCache.class);

  private final KubernetesClient client;
  private final String namespace;
  private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Service> informer;

  /**
   * @param namespaceOrNullForAll where Services are watched
   */
  public ServiceCache(KubernetesClient client, String namespaceOrNullForAll) {
    this.client = client;
    this.namespace = namespaceOrNullForAll;
  }

  /** Calls {@code listener(namespace, name)} on the informer's thread when a Service changes. */
  public void onChange(BiConsumer<String, String> listener) {
    listeners.add(listener);
  }

  /** Starts the informer; returns at once. */
  public ServiceCache start() {
    informer =
        namespace == null
            ? client.services().inAnyNamespace().runnableInformer(0)
            : client.services().inNamespace(namespace).runnableInformer(0);
    informer.exceptionHandler(
        (started, t) -> {
          log.warn("Service informer: {} (retrying)", t.toString());
          return true;
        });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Service s) {
            changed(s);
          }

          @Override
          public void onUpdate(Service old, Service s) {
            changed(s);
          }

          @Override
          public void onDelete(Service s, boolean finalStateUnknown) {
            changed(s);
          }
        });
    informer.start();
    return this;
  }

  private void changed(Service s) {
    for (BiConsumer<String, String> l : listeners) {
      l.accept(s.getMetadata().getNamespace(), s.getMetadata().getName());
    }
  }

  /** The Service as last seen, or null. */
  public Service get(String namespace, String name) {
    SharedIndexInformer<Service> i = informer;
    return i == null ? null : i.getStore().getByKey(namespace + "/" + name);
  }

  public boolean hasSynced() {
    SharedIndexInformer<Service> i = informer;
    return i != null && i.hasSynced();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.stop();
    }
  }
}
