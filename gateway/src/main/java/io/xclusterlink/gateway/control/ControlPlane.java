package io.xclusterlink.gateway.control;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.egress.EgressContext;
import io.xclusterlink.gateway.egress.ImportListener;
import io.xclusterlink.gateway.peer.Endpoint;
import io.xclusterlink.gateway.peer.PeerClient;
import io.xclusterlink.gateway.peer.Reachability;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.pki.TlsContexts;
import io.xclusterlink.policy.PolicySet;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the store's desired state into running parts: a {@link PeerClient} with heartbeats per
 * Peer, an {@link ImportListener} per Import (allocating and writing back free ports), exports and
 * policies into the {@link Authorizer}. Every change runs on one control-plane thread, in store
 * order, so reconciliation needs no locks; the data path only reads what it publishes.
 */
public final class ControlPlane implements StoreListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /** Automatic target ports come from [1024, 49152), as in semantics.md. */
  static final int PORT_MIN = 1024;

  static final int PORT_MAX = 49152;
  static final long BIND_RETRY_FIRST_MILLIS = 250;
  static final long BIND_RETRY_MAX_MILLIS = 30_000;

  private final GatewayConfig config;
  private final Store store;
  private final Authorizer authorizer;
  private final TlsContexts tls;
  private final Transport transport;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final EgressContext egress;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-control");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, PeerState> peers = new ConcurrentHashMap<>();
  private final Map<ObjectKey, ImportListener> imports = new ConcurrentHashMap<>();
  private final Map<Integer, ObjectKey> portHolders = new HashMap<>();
  private final Set<ObjectKey> waitingForPort = new HashSet<>();
  private final Map<ObjectKey, String> importProblems = new ConcurrentHashMap<>();

  /**
   * Imports whose port could not be bound (taken by another process): the next try, and how many so
   * far.
   */
  private final Map<ObjectKey, ScheduledFuture<?>> bindRetries = new HashMap<>();

  private final Map<ObjectKey, Integer> bindFailures = new HashMap<>();
  private final AtomicBoolean policiesDirty = new AtomicBoolean();
  private final EventLoop heartbeatLoop;
  private volatile boolean closed;

  public ControlPlane(
      GatewayConfig config,
      Store store,
      Authorizer authorizer,
      TlsContexts tls,
      Transport transport,
      EventLoopGroup boss,
      EventLoopGroup workers,
      io.xclusterlink.gateway.egress.WorkloadResolver workloads,
      io.xclusterlink.gateway.metrics.GatewayMetrics metrics) {
    this.config = config;
    this.store = store;
    this.authorizer = authorizer;
    this.tls = tls;
    this.transport = transport;
    this.boss = boss;
    this.workers = workers;
    this.heartbeatLoop = workers.next();
    this.egress =
        new EgressContext(
            authorizer, this::peerClient, this::reachable, workloads, metrics, transport);
  }

  /** Subscribes to the store (which replays every object) and starts reconciling. */
  public ControlPlane start() {
    store.addListener(this);
    return this;
  }

  @Override
  public void onEvent(StoreEvent event) {
    if (!closed) {
      thread.execute(() -> handle(event));
    }
  }

  /**
   * Waits until every change handed to the control plane so far has been applied, including the
   * coalesced policy rebuild that a change schedules behind itself. For tests and tools.
   */
  public void sync() {
    try {
      thread.submit(() -> {}).get(10, TimeUnit.SECONDS);
      thread.submit(() -> {}).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("control plane did not answer", e);
    }
  }

  private void handle(StoreEvent event) {
    XclObject obj = event.object();
    boolean deleted = event.type() == EventType.DELETED;
    try {
      switch (obj.kind()) {
        case PEER -> {
          if (deleted) {
            removePeer(obj.metadata().name());
          } else {
            reconcilePeer((Peer) obj);
          }
        }
        case EXPORT -> {
          if (deleted) {
            authorizer.removeExport(obj.metadata().namespace(), obj.metadata().name());
          } else {
            reconcileExport((Export) obj);
          }
        }
        case IMPORT -> {
          if (deleted) {
            removeImport(obj.key());
          } else {
            reconcileImport((Import) obj);
          }
        }
        case ACCESS_POLICY, PRIVILEGED_ACCESS_POLICY -> schedulePolicyRebuild();
        default -> {}
      }
    } catch (RuntimeException e) {
      log.warn("could not reconcile {}: {}", obj.key(), e.toString());
    }
  }

  // ---- policies -------------------------------------------------------------------------

  private void schedulePolicyRebuild() {
    if (policiesDirty.compareAndSet(false, true)) {
      thread.execute(
          () -> {
            policiesDirty.set(false);
            List<AccessPolicy> regular = new ArrayList<>();
            for (XclObject o : store.list(Kind.ACCESS_POLICY, null)) {
              regular.add((AccessPolicy) o);
            }
            List<PrivilegedAccessPolicy> privileged = new ArrayList<>();
            for (XclObject o : store.list(Kind.PRIVILEGED_ACCESS_POLICY, null)) {
              privileged.add((PrivilegedAccessPolicy) o);
            }
            try {
              authorizer.setPolicies(PolicySet.of(regular, privileged));
            } catch (IllegalArgumentException e) {
              // admission rejects such objects; if one still got in, the previous set stays in
              // force
              log.warn("policies not updated, the previous set stays in force: {}", e.getMessage());
              return;
            }
            log.debug("policies now {} regular, {} privileged", regular.size(), privileged.size());
          });
    }
  }

  // ---- exports --------------------------------------------------------------------------

  private void reconcileExport(Export e) {
    authorizer.putExport(e);
    setStatus(
        e.key(),
        s ->
            s.withCondition(
                Condition.EXPORT_VALID,
                true,
                "BackendSet",
                "backend " + e.spec().host() + ":" + e.spec().port()));
  }

  // ---- peers ----------------------------------------------------------------------------

  private void reconcilePeer(Peer p) {
    String name = p.metadata().name();
    List<Endpoint> eps = new ArrayList<>();
    for (Peer.GatewayAddress g : p.spec().gateways()) {
      eps.add(new Endpoint(g.host(), g.port()));
    }
    PeerState st = peers.get(name);
    if (st != null) {
      st.client.setEndpoints(eps);
      return;
    }
    st =
        new PeerState(
            new PeerClient(name, eps, tls, transport),
            new Reachability(config.failureThreshold(), config.successThreshold()));
    peers.put(name, st);
    publishPeerStatus(name, st);
    heartbeat(name, st);
  }

  private void removePeer(String name) {
    PeerState st = peers.remove(name);
    if (st != null) {
      st.removed = true;
      if (st.nextHeartbeat != null) {
        st.nextHeartbeat.cancel(false);
      }
      st.client.close();
      authorizer.forgetPeer(name);
    }
  }

  private void heartbeat(String name, PeerState st) {
    if (st.removed || closed) {
      return;
    }
    Future<Map<String, String>> f = st.client.heartbeat(heartbeatLoop);
    f.addListener(
        done -> {
          if (!closed) {
            thread.execute(() -> afterHeartbeat(name, st, f));
          }
        });
  }

  private void afterHeartbeat(String name, PeerState st, Future<Map<String, String>> f) {
    if (st.removed) {
      return;
    }
    boolean flipped;
    if (f.isSuccess()) {
      Map<String, String> labels = f.getNow();
      flipped = st.reachability.success(st.client.connectedEndpoint(heartbeatLoop));
      st.labels = Map.copyOf(labels);
      authorizer.setPeerLabels(name, labels);
    } else {
      flipped = st.reachability.failure(Failures.describe(f.cause()));
      log.debug("heartbeat to peer {} failed: {}", name, Failures.describe(f.cause()), f.cause());
    }
    st.reachable = st.reachability.reachable();
    if (flipped) {
      log.info(
          "peer {} is now {}: {}",
          name,
          st.reachable ? "reachable" : "unreachable",
          st.reachability.message());
    }
    publishPeerStatus(name, st);
    long delay =
        (st.reachable ? config.heartbeatInterval() : config.heartbeatIntervalUnreachable())
            .toMillis();
    // before the first flip the peer gets the fast interval, so a fresh gateway finds it quickly
    if (!st.reachable && st.reachability.reason().equals("NeverAnswered")) {
      delay = config.heartbeatInterval().toMillis();
    }
    st.nextHeartbeat = thread.schedule(() -> heartbeat(name, st), delay, TimeUnit.MILLISECONDS);
  }

  private void publishPeerStatus(String name, PeerState st) {
    Reachability r = st.reachability;
    st.reason = r.reason();
    st.message = r.message();
    setStatus(
        new ObjectKey(Kind.PEER, null, name),
        s ->
            s.withCondition(Condition.PEER_REACHABLE, r.reachable(), r.reason(), r.message())
                .withLabels(st.labels));
  }

  private PeerClient peerClient(String name) {
    PeerState st = peers.get(name);
    return st == null ? null : st.client;
  }

  private boolean reachable(String name) {
    PeerState st = peers.get(name);
    return st != null && st.reachable;
  }

  /** After this peer's certificates were replaced: every outgoing connection handshakes again. */
  public void dropPeerConnections() {
    for (PeerState st : peers.values()) {
      st.client.dropConnections();
    }
  }

  // ---- imports --------------------------------------------------------------------------

  private void reconcileImport(Import imp) {
    ObjectKey key = imp.key();
    ImportListener running = imports.get(key);
    Integer want = imp.spec().targetPort();
    if (want == null) {
      int port = running != null ? running.port() : allocatePort(key, imp);
      if (port > 0) {
        // write the port back; the store's event brings us here again with it set
        store.put(imp.withSpec(imp.spec().withTargetPort(port)));
      }
      return;
    }
    if (running != null && running.port() == want) {
      running.update(imp);
      importReady(key, running);
      return;
    }
    if (running != null) {
      closeListener(key, running);
    }
    ObjectKey holder = portHolders.get(want);
    if (holder != null && !holder.equals(key)) {
      waitingForPort.add(key);
      importProblem(
          key,
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
      importReady(key, l);
      log.info(
          "import {}/{} listening on {}:{}",
          key.namespace(),
          key.name(),
          config.importAddress(),
          want);
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      waitingForPort.add(key);
      long delay = scheduleBindRetry(key);
      importProblem(
          key,
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
   * Another process holds the port: try again later, 250 ms after the first failure and twice as
   * long after each next one, up to {@link #BIND_RETRY_MAX_MILLIS}, until it binds or the import
   * changes or goes. Returns the delay.
   */
  private long scheduleBindRetry(ObjectKey key) {
    ScheduledFuture<?> previous = bindRetries.remove(key);
    if (previous != null) {
      previous.cancel(false);
    }
    int failures = bindFailures.merge(key, 1, Integer::sum);
    long delay =
        Math.min(BIND_RETRY_FIRST_MILLIS << Math.min(failures - 1, 16), BIND_RETRY_MAX_MILLIS);
    bindRetries.put(
        key,
        thread.schedule(
            () -> {
              bindRetries.remove(key);
              if (!closed && !imports.containsKey(key)) {
                store.get(key).ifPresent(o -> reconcileImport((Import) o));
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
      int port = ThreadLocalRandom.current().nextInt(PORT_MIN, PORT_MAX);
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
    importProblem(key, "NoFreePort", "no free port found in [" + PORT_MIN + ", " + PORT_MAX + ")");
    return -1;
  }

  private void importReady(ObjectKey key, ImportListener l) {
    importProblems.remove(key);
    setStatus(
        key,
        s ->
            s.withCondition(
                    Condition.IMPORT_TARGET_PORT_VALID,
                    true,
                    "Listening",
                    "listening on " + config.importAddress() + ":" + l.port())
                .withCondition(
                    Condition.IMPORT_SERVICE_VALID,
                    true,
                    "Standalone",
                    "clients connect to " + config.importAddress() + ":" + l.port()));
  }

  private void importProblem(ObjectKey key, String reason, String message) {
    importProblems.put(key, message);
    log.warn("import {}/{}: {}", key.namespace(), key.name(), message);
    setStatus(
        key,
        s ->
            s.withCondition(Condition.IMPORT_TARGET_PORT_VALID, false, reason, message)
                .withCondition(Condition.IMPORT_SERVICE_VALID, false, reason, message));
  }

  private void removeImport(ObjectKey key) {
    waitingForPort.remove(key);
    cancelBindRetry(key);
    importProblems.remove(key);
    ImportListener l = imports.get(key);
    if (l != null) {
      closeListener(key, l);
      log.info("import {}/{} removed; port {} freed", key.namespace(), key.name(), l.port());
    }
    // imports that waited for a port may get it now
    for (ObjectKey waiting : new ArrayList<>(waitingForPort)) {
      store.get(waiting).ifPresent(o -> reconcileImport((Import) o));
    }
  }

  private void closeListener(ObjectKey key, ImportListener l) {
    imports.remove(key, l);
    portHolders.remove(l.port(), key);
    l.close();
  }

  // ---- status ---------------------------------------------------------------------------

  private void setStatus(ObjectKey key, java.util.function.UnaryOperator<Status> change) {
    store.get(key).ifPresent(o -> store.setStatus(key, change.apply(o.status())));
  }

  /** A snapshot for the status answer: peers, imports, exports. Safe from any thread. */
  public Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> ps = new ArrayList<>();
    for (Map.Entry<String, PeerState> e : new java.util.TreeMap<>(peers).entrySet()) {
      PeerState st = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", e.getKey());
      m.put("reachable", st.reachable);
      m.put("reason", st.reason);
      m.put("message", st.message);
      m.put("labels", st.labels);
      m.put("gateways", st.client.endpoints().stream().map(Endpoint::toString).toList());
      ps.add(m);
    }
    out.put("peers", ps);
    List<Map<String, Object>> is = new ArrayList<>();
    for (XclObject o : store.list(Kind.IMPORT, null)) {
      Import imp = (Import) o;
      ImportListener l = imports.get(imp.key());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("namespace", imp.metadata().namespace());
      m.put("name", imp.metadata().name());
      m.put("targetPort", imp.spec().targetPort());
      m.put("listening", l != null && l.listening());
      m.put("sources", imp.spec().sources().size());
      m.put("lbScheme", imp.spec().scheme().text());
      String problem = importProblems.get(imp.key());
      if (problem != null) {
        m.put("message", problem);
      }
      is.add(m);
    }
    out.put("imports", is);
    List<Map<String, Object>> es = new ArrayList<>();
    for (XclObject o : store.list(Kind.EXPORT, null)) {
      Export ex = (Export) o;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("namespace", ex.metadata().namespace());
      m.put("name", ex.metadata().name());
      m.put("host", ex.spec().host());
      m.put("port", ex.spec().port());
      es.add(m);
    }
    out.put("exports", es);
    out.put("policies", authorizer.policies().size());
    return out;
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread
          .submit(
              () -> {
                for (String name : new ArrayList<>(peers.keySet())) {
                  removePeer(name);
                }
                for (Map.Entry<ObjectKey, ImportListener> e : new ArrayList<>(imports.entrySet())) {
                  closeListener(e.getKey(), e.getValue());
                }
              })
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("control plane did not stop cleanly: {}", e.toString());
    }
    thread.shutdownNow();
  }
}
