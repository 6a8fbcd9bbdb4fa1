package io.xclusterlink.kube.services;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.kube.store.KubeStore;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreListener;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises each Import as a ClusterIP Service of the same name and namespace: port {@code
 * spec.port} to the import's target port on the gateway pods (selected by {@link #GATEWAY_NAME} and
 * this peer's name), owned by the Import (a controller owner reference with its uid), deleted with
 * it. A Service of that name that no Import owns is never touched: the Import's {@code
 * ImportServiceValid} says {@code Conflict}. Only the leader writes; every change runs on one
 * thread of its own.
 */
public final class ImportServiceReconciler implements StoreListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImportServiceReconciler.class);

  /** The label every gateway pod carries ({@code app.kubernetes.io/name}). */
  public static final String NAME_LABEL = "app.kubernetes.io/name";

  public static final String GATEWAY_NAME = "xcl-gateway";

  /** The label that says which peer a gateway pod serves. */
  public static final String PEER_LABEL = "xclusterlink.io/peer";

  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private final KubeStore store;
  private final ServiceCache services;
  private final KubernetesClient client;
  private final String peer;
  private final BooleanSupplier leader;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-import-services");
            t.setDaemon(true);
            return t;
          });

  public ImportServiceReconciler(
      KubeStore store,
      ServiceCache services,
      KubernetesClient client,
      String peer,
      BooleanSupplier leader) {
    this.store = store;
    this.services = services;
    this.client = client;
    this.peer = peer;
    this.leader = leader;
    services.onChange(
        (ns, name) ->
            run(() -> store.get(new ObjectKey(Kind.IMPORT, ns, name)).ifPresent(this::reconcile)));
  }

  @Override
  public void onEvent(StoreEvent event) {
    XclObject o = event.object();
    if (o instanceof Import imp) {
      run(
          () -> {
            if (event.type() == EventType.DELETED) {
              removed(imp);
            } else {
              store.get(imp.key()).ifPresent(this::reconcile);
            }
          });
    }
  }

  /** Reconciles every Import again (this replica just became the leader). */
  public void reconcileAll() {
    run(() -> store.list(Kind.IMPORT, null).forEach(this::reconcile));
  }

  private void run(Runnable r) {
    if (!thread.isShutdown()) {
      thread.execute(
          () -> {
            try {
              r.run();
            } catch (RuntimeException e) {
              log.warn("import Service reconcile failed: {}", e.toString());
            }
          });
    }
  }

  private void reconcile(XclObject o) {
    if (!leader.getAsBoolean()) {
      return;
    }
    Import imp = (Import) o;
    String ns = imp.metadata().namespace();
    String name = imp.metadata().name();
    Integer target = imp.spec().targetPort();
    if (target == null) {
      // the control plane is about to write one back (a status write now would only make its
      // write conflict); that write brings us back
      return;
    }
    Service existing = services.get(ns, name);
    if (existing != null && !ownedBy(existing, name)) {
      condition(
          imp,
          false,
          "Conflict",
          "Service "
              + ns
              + "/"
              + name
              + " exists and is not owned by this Import; it is left alone"
              + " (expected: no Service of that name, or one this Import created)");
      return;
    }
    String uid = store.uid(imp.key()).orElse(null);
    if (uid == null) {
      return; // not in the cache yet: its event brings us back
    }
    Service want = desired(imp, uid);
    try {
      if (existing == null) {
        try {
          client.services().inNamespace(ns).resource(want).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() == 409) {
            return; // created a moment ago and not in the cache yet: its event brings us back
          }
          throw e;
        }
        log.info(
            "import {}/{}: Service created (port {} -> {})", ns, name, imp.spec().port(), target);
      } else if (!sameShape(existing, want)) {
        Service next =
            new ServiceBuilder(existing)
                .editMetadata()
                .withOwnerReferences(want.getMetadata().getOwnerReferences())
                .addToLabels(want.getMetadata().getLabels())
                .endMetadata()
                .editSpec()
                .withPorts(want.getSpec().getPorts())
                .withSelector(want.getSpec().getSelector())
                .endSpec()
                .build();
        client.services().inNamespace(ns).resource(next).update();
        log.info(
            "import {}/{}: Service updated (port {} -> {})", ns, name, imp.spec().port(), target);
      }
    } catch (KubernetesClientException e) {
      condition(
          imp,
          false,
          "ServiceWriteFailed",
          "Service " + ns + "/" + name + ": " + e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    condition(
        imp,
        true,
        "ServiceReady",
        "Service "
            + ns
            + "/"
            + name
            + " port "
            + imp.spec().port()
            + " -> target port "
            + target
            + " on the gateway pods of peer "
            + peer);
  }

  private void removed(Import imp) {
    if (!leader.getAsBoolean()) {
      return;
    }
    String ns = imp.metadata().namespace();
    String name = imp.metadata().name();
    Service existing = services.get(ns, name);
    if (existing != null && ownedBy(existing, name)) {
      // the API server's garbage collector would do it too; not every API server has one
      client.services().inNamespace(ns).withName(name).delete();
      log.info("import {}/{} removed: its Service deleted", ns, name);
    }
  }

  /** The Service of an Import: the only shape this reconciler writes. */
  Service desired(Import imp, String uid) {
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion(XclObject.API_VERSION)
            .withKind(Kind.IMPORT.kindName())
            .withName(imp.metadata().name())
            .withUid(uid)
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(imp.metadata().name())
        .withNamespace(imp.metadata().namespace())
        .withLabels(Map.of(MANAGED_BY, GATEWAY_NAME, PEER_LABEL, peer))
        .withOwnerReferences(owner)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Map.of(NAME_LABEL, GATEWAY_NAME, PEER_LABEL, peer))
        .withPorts(
            new ServicePortBuilder()
                .withName("tcp")
                .withProtocol("TCP")
                .withPort(imp.spec().port())
                .withNewTargetPort(imp.spec().targetPort())
                .build())
        .endSpec()
        .build();
  }

  /** Whether an Import of this name controls the Service (whatever its uid: we adopt our own). */
  static boolean ownedBy(Service s, String importName) {
    List<OwnerReference> refs = s.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    for (OwnerReference r : refs) {
      if (Boolean.TRUE.equals(r.getController())
          && Kind.IMPORT.kindName().equals(r.getKind())
          && r.getApiVersion() != null
          && r.getApiVersion().startsWith("xclusterlink.io/")
          && importName.equals(r.getName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameShape(Service have, Service want) {
    return Objects.equals(ports(have), ports(want))
        && Objects.equals(have.getSpec().getSelector(), want.getSpec().getSelector())
        && Objects.equals(
            have.getMetadata().getOwnerReferences(), want.getMetadata().getOwnerReferences());
  }

  private static List<String> ports(Service s) {
    return s.getSpec().getPorts().stream()
        .map((ServicePort p) -> p.getPort() + ">" + p.getTargetPort().getIntVal())
        .toList();
  }

  private void condition(Import imp, boolean ok, String reason, String message) {
    store.updateStatus(
        imp.key(), s -> s.withCondition(Condition.IMPORT_SERVICE_VALID, ok, reason, message));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
