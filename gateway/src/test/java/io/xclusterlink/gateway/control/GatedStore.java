package io.xclusterlink.gateway.control;

import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.store.ForwardingStore;
import io.xclusterlink.store.Store;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store whose status writes can be held at a gate, as a slow disk or API server would hold
 * them; counts the status writes that reached it.
 */
public final class GatedStore extends ForwardingStore {
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final AtomicInteger statusWrites = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();

  public GatedStore(Store store) {
    super(store);
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
    return delegate.setStatus(key, status);
  }

  @Override
  public void close() {
    open();
    delegate.close();
  }
}
