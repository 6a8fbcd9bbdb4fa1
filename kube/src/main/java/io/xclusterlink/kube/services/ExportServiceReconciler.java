package io.xclusterlink.kube.services;

import io.fabric8.kubernetes.api.model.Service;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.kube.store.KubeStore;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ExportValid} condition of exports without {@code spec.host}: False ({@code
 * ServiceNotFound}) while the Service of the same name and namespace is missing, True as soon as
 * the Service informer sees it. Only the leader writes; on one thread of its own.
 */
public final class ExportServiceReconciler implements StoreListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportServiceReconciler.class);

  private final KubeStore store;
  private final ServiceCache services;
  private final BooleanSupplier leader;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-export-services");
            t.setDaemon(true);
            return t;
          });

  public ExportServiceReconciler(KubeStore store, ServiceCache services, BooleanSupplier leader) {
    this.store = store;
    this.services = services;
    this.leader = leader;
    services.onChange(
        (ns, name) ->
            run(() -> store.get(new ObjectKey(Kind.EXPORT, ns, name)).ifPresent(this::reconcile)));
  }

  /** Whether the control plane leaves this export's ExportValid to this reconciler. */
  public static boolean owns(XclObject o) {
    return o instanceof Export e && (e.spec().host() == null || e.spec().host().isBlank());
  }

  @Override
  public void onEvent(StoreEvent event) {
    if (event.object() instanceof Export e && event.type() != EventType.DELETED) {
      run(() -> store.get(e.key()).ifPresent(this::reconcile));
    }
  }

  /** Reconciles every Export again (this replica just became the leader). */
  public void reconcileAll() {
    run(() -> store.list(Kind.EXPORT, null).forEach(this::reconcile));
  }

  private void run(Runnable r) {
    if (!thread.isShutdown()) {
      thread.execute(
          () -> {
            try {
              r.run();
            } catch (RuntimeException e) {
              log.warn("export Service reconcile failed: {}", e.toString());
            }
          });
    }
  }

  private void reconcile(XclObject o) {
    if (!owns(o) || !leader.getAsBoolean()) {
      return;
    }
    Export e = (Export) o;
    String where = e.metadata().namespace() + "/" + e.metadata().name();
    Service s = services.get(e.metadata().namespace(), e.metadata().name());
    String ip = ServiceBackendResolver.clusterIp(s);
    boolean ok = ip != null;
    String reason = ok ? "ServiceFound" : s == null ? "ServiceNotFound" : "ServiceHasNoClusterIP";
    String message =
        ok
            ? "backend Service " + where + " at " + ip + ":" + e.spec().port()
            : s == null
                ? "Service "
                    + where
                    + " not found (expected: a Service of the export's name in its namespace,"
                    + " or spec.host)"
                : "Service " + where + " has no cluster IP (expected: a ClusterIP Service)";
    store.updateStatus(
        e.key(), now -> now.withCondition(Condition.EXPORT_VALID, ok, reason, message));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
