package io.xclusterlink.gateway.control;

import io.netty.channel.EventLoopGroup;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.egress.EgressContext;
import io.xclusterlink.gateway.egress.ImportListener;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports into an {@link ImportListener} each. An import without a target port gets a free one,
 * bound first and then written back to the store (by the leader only: replicas would each pick
 * another); a port another import holds waits for it, and a port another process holds is tried
 * again with a growing delay.
 */
final class ImportReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(ImportReconciler.class);

  private final GatewayConfig config;
  private final Store store;
  private final StatusWriter status;
  private final Leadership leadership;
  private final EgressContext egress;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ScheduledExecutorService controlThread;
  private final Map<ObjectKey, ImportListener> imports = new ConcurrentHashMap<>();
  private final Map<ObjectKey, String> problems = new ConcurrentHashMap<>();
  // control thread only
  private final Map<Integer, ObjectKey> portHolders = new HashMap<>();
  private final Set<ObjectKey> waitingForPort = new HashSet<>();

  /**
   * Imports whose port could not be bound (taken by another process): the next try, and how many so
   * far.
   */
  private final Map<ObjectKey, ScheduledFuture<?>> bindRetries = new HashMap<>();

  private final Map<ObjectKey, Integer> bindFailures = new HashMap<>();
  private volatile boolean closed;

  ImportReconciler(
      GatewayConfig config,
      Store store,
      StatusWriter status,
      Leadership leadership,
      EgressContext egress,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ScheduledExecutorService controlThread) {
    this.config = config;
    this.store = store;
    this.status = status;
    this.leadership = leadership;
    this.egress = egress;
    this.boss = boss;
    this.workers = workers;
    this.controlThread = controlThread;
  }

  @Override
  public String condition() {
    return Condition.IMPORT_TARGET_PORT_VALID;
  }

  @Override
  public void reconcile(XclObject object) {
    Import imp = (Import) object;
    ObjectKey key = imp.key();
    ImportListener running = imports.get(key);
    Integer want = imp.spec().targetPort();
    if (want == null) {
      if (!leadership.isLeader()) {
        // the leader allocates and writes the port back; its write brings us here again
        log.debug("import {}: no target port yet; the leader allocates it", key);
        return;
      }
      int port = running != null ? running.port() : allocatePort(key, imp);
      if (port > 0) {
        writeBackPort(imp, port);
      }
      return;
    }
    if (running != null && running.port() == want) {
      running.update(imp);
      ready(imp, running);
      return;
    }
    if (running != null) {
      closeListener(key, running);
    }
    ObjectKey holder = portHolders.get(want);
    if (holder != null && !holder.equals(key)) {
      waitingForPort.add(key);
      problem(
          imp,
          "PortInUse",
          "port " + want + " is held by Import " + holder.namespace() + "/" + holder.name());
      return;
    }
    try {
      ImportListener l =
          new ImportListener(imp, egress).bind(config.importAddress(), boss, workers);
      imports.put(key, l);
      portHolders.put(want, key);
      waitingForPort.remove(key);
      cancelBindRetry(key);
      ready(imp, l);
      log.info(
          "import {}/{} listening on {}:{}",
          key.namespace(),
          key.name(),
          config.importAddress(),
          want);
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      waitingForPort.add(key);
      long delay = scheduleBindRetry(key);
      problem(
          imp,
          "PortUnavailable",
          "port "
              + want
              + " on "
              + config.importAddress()
              + ": "
              + Failures.describe(e)
              + " (expected: a free port); trying again in "
              + delay
              + " ms");
    }
  }

  /**
   * Writes the allocated port into the import, on the version read (so a user's change in between
   * wins); the store's event brings us here again with the port set. A conflict caused by a status
   * write (same generation) is retried on the fresh version: its event is status-only and would not
   * bring us back.
   */
  private void writeBackPort(Import imp, int port) {
    Import current = imp;
    for (int tries = 0; tries < 3; tries++) {
      try {
        store.put(current.withSpec(current.spec().withTargetPort(port)));
        return;
      } catch (StoreConflictException e) {
        Optional<XclObject> fresh = store.get(imp.key());
        if (fresh.isEmpty()
            || !java.util.Objects.equals(
                fresh.get().metadata().generation(), current.metadata().generation())) {
          return; // deleted or changed: its own event follows
        }
        current = (Import) fresh.get();
      }
    }
    log.warn(
        "import {}: target port {} not written back: the import keeps changing", imp.key(), port);
  }

  /**
   * Another process holds the port: try again later, 250 ms after the first failure and twice as
   * long after each next one, up to {@link ControlPlane#BIND_RETRY_MAX_MILLIS}, until it binds or
   * the import changes or goes. Returns the delay.
   */
  private long scheduleBindRetry(ObjectKey key) {
    ScheduledFuture<?> previous = bindRetries.remove(key);
    if (previous != null) {
      previous.cancel(false);
    }
    int failures = bindFailures.merge(key, 1, Integer::sum);
    long delay =
        Math.min(
            ControlPlane.BIND_RETRY_FIRST_MILLIS << Math.min(failures - 1, 16),
            ControlPlane.BIND_RETRY_MAX_MILLIS);
    bindRetries.put(
        key,
        controlThread.schedule(
            () -> {
              bindRetries.remove(key);
              if (!closed && !imports.containsKey(key)) {
                store.get(key).ifPresent(this::reconcile);
              }
            },
            delay,
            TimeUnit.MILLISECONDS));
    return delay;
  }

  private void cancelBindRetry(ObjectKey key) {
    bindFailures.remove(key);
    ScheduledFuture<?> pending = bindRetries.remove(key);
    if (pending != null) {
      pending.cancel(false);
    }
  }

  /** Binds a free port in [PORT_MIN, PORT_MAX) for an import that named none; -1 when none. */
  private int allocatePort(ObjectKey key, Import imp) {
    for (int tries = 0; tries < 200; tries++) {
      int port = ThreadLocalRandom.current().nextInt(ControlPlane.PORT_MIN, ControlPlane.PORT_MAX);
      if (portHolders.containsKey(port)) {
        continue;
      }
      try {
        ImportListener l =
            new ImportListener(imp.withSpec(imp.spec().withTargetPort(port)), egress)
                .bind(config.importAddress(), boss, workers);
        imports.put(key, l);
        portHolders.put(port, key);
        return port;
      } catch (Exception e) {
        // taken by another process: try another
      }
    }
    problem(
        imp,
        "NoFreePort",
        "no free port found in [" + ControlPlane.PORT_MIN + ", " + ControlPlane.PORT_MAX + ")");
    return -1;
  }

  private void ready(Import imp, ImportListener l) {
    problems.remove(imp.key());
    Long generation = imp.metadata().generation();
    String listening = "listening on " + config.importAddress() + ":" + l.port();
    String clients = "clients connect to " + config.importAddress() + ":" + l.port();
    status.update(
        imp.key(),
        condition(),
        s ->
            s.withCondition(
                    Condition.IMPORT_TARGET_PORT_VALID, true, "Listening", listening, generation)
                .withCondition(
                    Condition.IMPORT_SERVICE_VALID, true, "Standalone", clients, generation));
  }

  private void problem(Import imp, String reason, String message) {
    ObjectKey key = imp.key();
    problems.put(key, message);
    log.warn("import {}/{}: {}", key.namespace(), key.name(), message);
    Long generation = imp.metadata().generation();
    status.update(
        key,
        condition(),
        s ->
            s.withCondition(Condition.IMPORT_TARGET_PORT_VALID, false, reason, message, generation)
                .withCondition(Condition.IMPORT_SERVICE_VALID, false, reason, message, generation));
  }

  /** Records a failed reconcile for the status answer (the dispatcher writes its condition). */
  void failed(ObjectKey key, String message) {
    problems.put(key, message);
  }

  @Override
  public void remove(XclObject last) {
    ObjectKey key = last.key();
    waitingForPort.remove(key);
    cancelBindRetry(key);
    problems.remove(key);
    ImportListener l = imports.get(key);
    if (l != null) {
      closeListener(key, l);
      log.info("import {}/{} removed; port {} freed", key.namespace(), key.name(), l.port());
    }
    // imports that waited for a port may get it now
    for (ObjectKey waiting : new ArrayList<>(waitingForPort)) {
      store.get(waiting).ifPresent(this::reconcile);
    }
  }

  private void closeListener(ObjectKey key, ImportListener l) {
    imports.remove(key, l);
    portHolders.remove(l.port(), key);
    l.close();
  }

  /** The running listener of an import, or null; for the status answer. */
  ImportListener listener(ObjectKey key) {
    return imports.get(key);
  }

  /** What keeps an import from listening, or null; for the status answer. */
  String problem(ObjectKey key) {
    return problems.get(key);
  }

  @Override
  public void close() {
    closed = true;
    for (Map.Entry<ObjectKey, ImportListener> e : new ArrayList<>(imports.entrySet())) {
      closeListener(e.getKey(), e.getValue());
    }
    for (ScheduledFuture<?> f : bindRetries.values()) {
      f.cancel(false);
    }
  }
}
