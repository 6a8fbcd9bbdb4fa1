package io.xclusterlink.gateway.control;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.PutResult;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store whose status writes can be held at a gate, as a slow disk or API server would hold
 * them; counts the status writes that reached it.
 */
public final class GatedStore implements Store {
  private final Store store;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final AtomicInteger statusWrites = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();

  public GatedStore(Store store) {
    this.store = store;
  }

  /** Status writes from now on wait until {@link #open()}. */
  public void closeGate() {
    gate = new CountDownLatch(1);
  }

  public void open() {
    gate.countDown();
  }

  public int statusWrites() {
    return statusWrites.get();
  }

  /** How many status writes are waiting at the gate now. */
  public int waiting() {
    return waiting.get();
  }

  @Override
  public boolean setStatus(ObjectKey key, Status status) {
    waiting.incrementAndGet();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate not opened within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted at the gate", e);
    } finally {
      waiting.decrementAndGet();
    }
    statusWrites.incrementAndGet();
    return store.setStatus(key, status);
  }

  @Override
  public PutResult put(XclObject object) {
    return store.put(object);
  }

  @Override
  public List<PutResult> putAll(List<XclObject> objects) {
    return store.putAll(objects);
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
    return store.delete(key);
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
    open();
    store.close();
  }
}
