package io.xclusterlink.kube;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.kube.services.ExportServiceReconciler;
import io.xclusterlink.kube.store.KubeStore;
import io.xclusterlink.store.ForwardingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The {@link KubeStore} as the gateway sees it in Kubernetes mode. Two conditions belong to the
 * Service reconcilers here, not to the control plane: an Import's {@code ImportServiceValid} (its
 * Service) and, for an Export without a host, {@code ExportValid} (the Service it stands for); a
 * status the control plane writes keeps whatever the reconcilers last wrote for them (read from the
 * API server under the store's status lock, so neither writer undoes the other). Synced once the
 * Service and pod informers have listed too; closing stops every Kubernetes part.
 */
final class KubeGatewayStore extends ForwardingStore {
  private final KubeStore store;
  private final BooleanSupplier synced;
  private final Runnable closer;

  KubeGatewayStore(KubeStore store, BooleanSupplier synced, Runnable closer) {
    super(store);
    this.store = store;
    this.synced = synced;
    this.closer = closer;
  }

  @Override
  public boolean setStatus(ObjectKey key, Status status) {
    Optional<XclObject> now = store.get(key);
    if (now.isEmpty()) {
      return false;
    }
    String owned =
        key.kind() == Kind.IMPORT
            ? Condition.IMPORT_SERVICE_VALID
            : key.kind() == Kind.EXPORT && ExportServiceReconciler.owns(now.get())
                ? Condition.EXPORT_VALID
                : null;
    if (owned == null) {
      return store.setStatus(key, status);
    }
    return store.updateStatus(key, stored -> keep(status, stored, owned));
  }

  /** {@code status} with the condition {@code type} as it is in {@code stored} (or without it). */
  static Status keep(Status status, Status stored, String type) {
    List<Condition> out = new ArrayList<>();
    for (Condition c : status.conditions()) {
      if (!c.type().equals(type)) {
        out.add(c);
      }
    }
    stored.condition(type).ifPresent(out::add);
    return new Status(out, status.labels(), status.tunnel());
  }

  @Override
  public boolean hasSynced() {
    return synced.getAsBoolean();
  }

  @Override
  public void close() {
    closer.run();
  }
}
