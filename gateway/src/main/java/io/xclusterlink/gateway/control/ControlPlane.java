package io.xclusterlink.gateway.control;

import io.netty.channel.EventLoopGroup;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.egress.EgressContext;
import io.xclusterlink.gateway.egress.ImportListener;
import io.xclusterlink.gateway.egress.WorkloadResolver;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.peer.Endpoint;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.pki.TlsContexts;
import io.xclusterlink.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the store's desired state into running parts, one {@link Reconciler} per kind behind a
 * {@link StoreEventDispatcher}: peers ({@link PeerReconciler}: a client with heartbeats each),
 * imports ({@link ImportReconciler}: a listener each, free ports allocated and written back),
 * exports and policies into the {@link Authorizer}. Reconciles run on one control-plane thread, in
 * store order, so they need no locks; heartbeats run on an event loop; status goes through one
 * {@link StatusWriter} that coalesces per object, so neither waits for the store. The data path
 * only reads what this publishes.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /** Automatic target ports come from [1024, 49152), as in semantics.md. */
  static final int PORT_MIN = 1024;

  static final int PORT_MAX = 49152;
  static final long BIND_RETRY_FIRST_MILLIS = 250;
  static final long BIND_RETRY_MAX_MILLIS = 30_000;
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  private final Store store;
  private final Authorizer authorizer;
  private final Leadership leadership;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-control");
            t.setDaemon(true);
            return t;
          });
  private final StatusWriter status;
  private final PeerReconciler peers;
  private final ImportReconciler imports;
  private final StoreEventDispatcher dispatcher;
  private volatile boolean closed;

  /** A control plane that is always the leader (standalone). */
  public ControlPlane(
      GatewayConfig config,
      Store store,
      Authorizer authorizer,
      TlsContexts tls,
      Transport transport,
      EventLoopGroup boss,
      EventLoopGroup workers,
      WorkloadResolver workloads,
      GatewayMetrics metrics) {
    this(
        config,
        store,
        authorizer,
        tls,
        transport,
        boss,
        workers,
        workloads,
        metrics,
        Leadership.ALWAYS);
  }

  /**
   * A control plane that writes status and allocates import ports only while {@code leadership}
   * says so; it opens listeners and sends heartbeats either way. Does no I/O.
   */
  public ControlPlane(
      GatewayConfig config,
      Store store,
      Authorizer authorizer,
      TlsContexts tls,
      Transport transport,
      EventLoopGroup boss,
      EventLoopGroup workers,
      WorkloadResolver workloads,
      GatewayMetrics metrics,
      Leadership leadership) {
    this.store = store;
    this.authorizer = authorizer;
    this.leadership = leadership;
    this.status = new StatusWriter(store, leadership);
    this.peers = new PeerReconciler(config, tls, transport, authorizer, status, workers.next());
    EgressContext egress =
        new EgressContext(
            authorizer, peers::client, peers::reachable, workloads, metrics, transport);
    this.imports =
        new ImportReconciler(config, store, status, leadership, egress, boss, workers, thread);
    PolicyReconciler policies = new PolicyReconciler(store, authorizer, status, thread);
    this.dispatcher =
        new StoreEventDispatcher(store, thread, status)
            .route(Kind.PEER, peers)
            .route(Kind.EXPORT, new ExportReconciler(authorizer, status))
            .route(Kind.IMPORT, imports)
            .route(Kind.ACCESS_POLICY, policies)
            .route(Kind.PRIVILEGED_ACCESS_POLICY, policies);
  }

  /** Subscribes to the store (which replays every object) and starts reconciling. */
  public ControlPlane start() {
    leadership.onChange(
        () -> {
          if (!closed) {
            log.info(
                "this replica is {} the leader: reconciling every object again",
                leadership.isLeader() ? "now" : "no longer");
            dispatcher.resyncAll();
          }
        });
    store.addListener(dispatcher);
    return this;
  }

  /**
   * Waits until the control plane has caught up with the store (every change stored so far is
   * reconciled, including the coalesced policy rebuild and a port written back) and its status
   * writes are done. For the admin API's apply answer, tests and tools.
   *
   * @throws IllegalStateException when that takes more than 10 s
   */
  public void sync() {
    long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
    // a reconcile may write to the store (a port written back): go round until nothing changed
    for (int round = 0; ; round++) {
      if (!dispatcher.awaitCaughtUp(deadline)) {
        throw new IllegalStateException("control plane did not catch up with the store in time");
      }
      drainThread(deadline);
      drainThread(deadline); // the policy rebuild that the first round scheduled behind itself
      if (dispatcher.caughtUp() || round >= 10) {
        break;
      }
    }
    if (!status.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
      throw new IllegalStateException("control plane did not write its status in time");
    }
  }

  private void drainThread(long deadline) {
    try {
      thread.submit(() -> {}).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("control plane did not answer", e);
    }
  }

  /** After this peer's certificates were replaced: every outgoing connection handshakes again. */
  public void dropPeerConnections() {
    peers.dropConnections();
  }

  /** A snapshot for the status answer: peers, imports, exports. Safe from any thread. */
  public Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> ps = new ArrayList<>();
    for (Map.Entry<String, PeerState> e : new TreeMap<>(peers.peers()).entrySet()) {
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
      ImportListener l = imports.listener(imp.key());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("namespace", imp.metadata().namespace());
      m.put("name", imp.metadata().name());
      m.put("targetPort", imp.spec().targetPort());
      m.put("listening", l != null && l.listening());
      m.put("sources", imp.spec().sources().size());
      m.put("lbScheme", imp.spec().scheme().text());
      String problem = imports.problem(imp.key());
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
    dispatcher.close();
    try {
      thread
          .submit(
              () -> {
                peers.close();
                imports.close();
              })
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("control plane did not stop cleanly: {}", e.toString());
    }
    thread.shutdownNow();
    status.close();
  }
}
