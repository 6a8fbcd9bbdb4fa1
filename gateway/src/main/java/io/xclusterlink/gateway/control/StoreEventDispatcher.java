package io.xclusterlink.gateway.control;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreListener;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the store's events and routes each to the {@link Reconciler} of its kind, on the
 * control-plane thread, in store order. An event whose generation was reconciled already changed
 * only the status (the control plane's own writes, mostly) and is not routed: status writes must
 * not trigger reconciles that write status again. A reconciler's exception becomes its condition,
 * False with reason {@value Condition#RECONCILE_FAILED}, on the object.
 */
final class StoreEventDispatcher implements StoreListener {
  private static final Logger log = LoggerFactory.getLogger(StoreEventDispatcher.class);
  private static final long POLL_MILLIS = 5;

  private final Store store;
  private final Executor controlThread;
  private final StatusWriter status;
  private final Map<Kind, Reconciler> reconcilers = new EnumMap<>(Kind.class);
  // control thread only
  private final Map<ObjectKey, Long> reconciledGenerations = new HashMap<>();
  // every object the control plane has seen, with its resourceVersion; guarded by itself
  private final Map<ObjectKey, String> seen = new HashMap<>();
  private volatile boolean synced;
  private volatile boolean closed;

  StoreEventDispatcher(Store store, Executor controlThread, StatusWriter status) {
    this.store = store;
    this.controlThread = controlThread;
    this.status = status;
  }

  /** Routes events of {@code kind} to {@code reconciler}; before the dispatcher is added. */
  StoreEventDispatcher route(Kind kind, Reconciler reconciler) {
    reconcilers.put(kind, reconciler);
    return this;
  }

  @Override
  public void onEvent(StoreEvent event) {
    run(() -> handle(event));
  }

  @Override
  public void onSynced() {
    run(() -> synced = true);
  }

  /** Whether the store's initial state has been routed. */
  boolean synced() {
    return synced;
  }

  private void run(Runnable task) {
    if (closed) {
      return;
    }
    try {
      controlThread.execute(task);
    } catch (RejectedExecutionException e) {
      // the control plane is closing
    }
  }

  private void handle(StoreEvent event) {
    XclObject obj = event.object();
    ObjectKey key = obj.key();
    try {
      Reconciler r = reconcilers.get(obj.kind());
      if (r == null || closed) {
        return;
      }
      if (event.type() == EventType.DELETED) {
        reconciledGenerations.remove(key);
        r.remove(obj);
        return;
      }
      Long generation = obj.metadata().generation();
      if (event.type() == EventType.MODIFIED
          && generation != null
          && generation.equals(reconciledGenerations.get(key))) {
        return; // status only
      }
      reconcile(r, obj);
    } catch (RuntimeException e) {
      log.warn("could not handle {} of {}: {}", event.type(), key, e.toString());
    } finally {
      synchronized (seen) {
        if (event.type() == EventType.DELETED) {
          seen.remove(key);
        } else {
          seen.put(key, obj.metadata().resourceVersion());
        }
      }
    }
  }

  private void reconcile(Reconciler r, XclObject obj) {
    ObjectKey key = obj.key();
    Long generation = obj.metadata().generation();
    reconciledGenerations.put(key, generation);
    try {
      r.reconcile(obj);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      log.warn("could not reconcile {} (generation {}): {}", key, generation, e.toString(), e);
      if (r instanceof ImportReconciler imports) {
        imports.failed(key, message);
      }
      String type = r.condition();
      status.update(
          key,
          type,
          s -> s.withCondition(type, false, Condition.RECONCILE_FAILED, message, generation));
    }
  }

  /**
   * Reconciles every stored object again, whatever its generation (a new leader writes what its
   * predecessor left). On the control-plane thread.
   */
  void resyncAll() {
    run(
        () -> {
          for (Map.Entry<Kind, Reconciler> e : reconcilers.entrySet()) {
            for (XclObject obj : store.list(e.getKey(), null)) {
              reconcile(e.getValue(), obj);
            }
          }
        });
  }

  /**
   * Waits until the control plane has seen the store as it is: every stored object at its current
   * resourceVersion, and no deleted one. False when {@code deadlineNanos} (of {@link
   * System#nanoTime()}) passes first.
   */
  boolean awaitCaughtUp(long deadlineNanos) {
    while (!caughtUp()) {
      if (System.nanoTime() - deadlineNanos >= 0 || closed) {
        return false;
      }
      synchronized (seen) {
        try {
          seen.wait(POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  boolean caughtUp() {
    int stored = 0;
    synchronized (seen) {
      for (Kind kind : Kind.values()) {
        for (XclObject obj : store.list(kind, null)) {
          stored++;
          if (!Objects.equals(seen.get(obj.key()), obj.metadata().resourceVersion())) {
            return false;
          }
        }
      }
      return stored == seen.size();
    }
  }

  void close() {
    closed = true;
  }
}
