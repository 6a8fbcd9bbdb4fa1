package io.xclusterlink.gateway.control;

import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.Store;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes status on its own thread, so that heartbeats and reconciles never wait for the store (a
 * status write is a forced file, or a call to the API server). Changes are coalesced per object and
 * per slot: a slot names what a change sets (one condition, say), and a later change of the same
 * slot replaces an earlier one not yet written, so a burst of heartbeats costs one write; what
 * queued up while one write ran is written next as one {@link Store#setStatusAll batch}. Writes
 * only while this replica is the {@link Leadership leader}. Thread-safe.
 */
final class StatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  private final Store store;
  private final Leadership leadership;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-status");
            t.setDaemon(true);
            return t;
          });
  // guarded by this: per object, per slot, the change to apply, in the order they came
  private final Map<ObjectKey, LinkedHashMap<String, UnaryOperator<Status>>> pending =
      new LinkedHashMap<>();
  private boolean draining;
  private boolean closed;

  StatusWriter(Store store, Leadership leadership) {
    this.store = store;
    this.leadership = leadership;
  }

  /** Queues a change of one object's status; never blocks on the store. */
  void update(ObjectKey key, String slot, UnaryOperator<Status> change) {
    synchronized (this) {
      if (closed) {
        return;
      }
      LinkedHashMap<String, UnaryOperator<Status>> slots =
          pending.computeIfAbsent(key, k -> new LinkedHashMap<>());
      // a replaced change moves to the end: it is applied after the changes that came before it
      slots.remove(slot);
      slots.put(slot, change);
      if (!draining) {
        draining = true;
        thread.execute(this::drain);
      }
    }
  }

  private void drain() {
    while (true) {
      Map<ObjectKey, LinkedHashMap<String, UnaryOperator<Status>>> batch;
      synchronized (this) {
        if (closed || pending.isEmpty()) {
          draining = false;
          notifyAll();
          return;
        }
        batch = new LinkedHashMap<>(pending);
        pending.clear();
      }
      try {
        write(batch);
      } catch (RuntimeException e) {
        // the next change of these objects writes their whole status again
        log.warn("status of {} objects not written: {}", batch.size(), e.getMessage());
      }
    }
  }

  /** Everything queued while the previous batch was written, as one write of the store. */
  private void write(Map<ObjectKey, LinkedHashMap<String, UnaryOperator<Status>>> batch) {
    if (!leadership.isLeader()) {
      return;
    }
    Map<ObjectKey, Status> statuses = new LinkedHashMap<>();
    for (Map.Entry<ObjectKey, LinkedHashMap<String, UnaryOperator<Status>>> e : batch.entrySet()) {
      Optional<XclObject> current = store.get(e.getKey());
      if (current.isEmpty()) {
        continue;
      }
      Status status = current.get().status();
      for (UnaryOperator<Status> change : e.getValue().values()) {
        status = change.apply(status);
      }
      if (!status.equals(current.get().status())) {
        statuses.put(e.getKey(), status);
      }
    }
    if (statuses.size() == 1) {
      statuses.forEach(store::setStatus);
    } else if (!statuses.isEmpty()) {
      store.setStatusAll(statuses);
    }
  }

  /** Waits until every change queued so far is written (or dropped); false on timeout. */
  boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (draining) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      pending.clear();
      notifyAll();
    }
    thread.shutdown();
  }
}
