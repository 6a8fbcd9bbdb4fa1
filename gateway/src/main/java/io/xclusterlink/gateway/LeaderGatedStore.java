package io.xclusterlink.gateway;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.PutResult;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The store as the control plane sees it: while another replica of this peer leads, the control
 * plane's writes (status, and the target ports it allocates) are skipped, so that one replica
 * speaks for the peer; reads and events pass through, so every replica carries traffic. The gateway
 * closes the real store, not this view.
 */
final class LeaderGatedStore implements Store {
  private final Store store;
  private final BooleanSupplier leader;

  LeaderGatedStore(Store store, BooleanSupplier leader) {
    this.store = store;
    this.leader = leader;
  }

  @Override
  public PutResult put(XclObject object) {
    if (leader.getAsBoolean()) {
      return store.put(object);
    }
    return new PutResult(PutResult.Outcome.UNCHANGED, store.get(object.key()).orElse(object));
  }

  @Override
  public List<PutResult> putAll(List<XclObject> objects) {
    List<PutResult> out = new ArrayList<>();
    for (XclObject o : objects) {
      out.add(put(o));
    }
    return out;
  }

  @Override
  public Optional<XclObject> get(ObjectKey key) {
    return store.get(key);
  }

  @Override
  public List<XclObject> list(Kind kind, String namespaceOrNullForAll) {
    return store.list(kind, namespaceOrNullForAll);
  }

  @Override
  public boolean delete(ObjectKey key) {
    return leader.getAsBoolean() ? store.delete(key) : store.get(key).isPresent();
  }

  @Override
  public boolean setStatus(ObjectKey key, Status status) {
    return leader.getAsBoolean() ? store.setStatus(key, status) : store.get(key).isPresent();
  }

  @Override
  public boolean hasSynced() {
    return store.hasSynced();
  }

  @Override
  public void addListener(StoreListener listener) {
    store.addListener(listener);
  }

  @Override
  public void close() {
    // the gateway owns the real store
  }
}
