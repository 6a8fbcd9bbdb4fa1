package io.xclusterlink.store;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.util.List;
import java.util.Optional;

/**
 * A store that hands every call to another one: the base of a view that changes a few calls (which
 * status it writes, when it counts as synced, what closing stops) and passes the rest through.
 * {@link #setStatusAll} keeps the interface's default, one {@link #setStatus} per entry, so that a
 * view which changes {@code setStatus} changes batches too.
 */
public abstract class ForwardingStore implements Store {
  protected final Store delegate;

  protected ForwardingStore(Store delegate) {
    this.delegate = delegate;
  }

  @Override
  public PutResult put(XclObject object) {
    return delegate.put(object);
  }

  @Override
  public List<PutResult> putAll(List<XclObject> objects) {
    return delegate.putAll(objects);
  }

  @Override
  public Optional<XclObject> get(ObjectKey key) {
    return delegate.get(key);
  }

  @Override
  public List<XclObject> list(Kind kind, String namespaceOrNullForAll) {
    return delegate.list(kind, namespaceOrNullForAll);
  }

  @Override
  public boolean delete(ObjectKey key) {
    return delegate.delete(key);
  }

  @Override
  public boolean setStatus(ObjectKey key, Status status) {
    return delegate.setStatus(key, status);
  }

  @Override
  public boolean hasSynced() {
    return delegate.hasSynced();
  }

  @Override
  public void addListener(StoreListener listener) {
    delegate.addListener(listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
