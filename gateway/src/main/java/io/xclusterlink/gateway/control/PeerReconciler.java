package io.xclusterlink.gateway.control;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.peer.Endpoint;
import io.xclusterlink.gateway.peer.PeerClient;
import io.xclusterlink.gateway.peer.Reachability;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.pki.TlsContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peers into a {@link PeerClient} each, heartbeaten on one event loop. Heartbeats, their results
 * and the reachability they update stay on that loop; their status goes to the {@link
 * StatusWriter}, so a slow store never delays a heartbeat or the reachability the data path reads.
 */
final class PeerReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(PeerReconciler.class);

  private final GatewayConfig config;
  private final TlsContexts tls;
  private final Transport transport;
  private final Authorizer authorizer;
  private final StatusWriter status;
  private final EventLoop heartbeatLoop;
  private final Map<String, PeerState> peers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  PeerReconciler(
      GatewayConfig config,
      TlsContexts tls,
      Transport transport,
      Authorizer authorizer,
      StatusWriter status,
      EventLoop heartbeatLoop) {
    this.config = config;
    this.tls = tls;
    this.transport = transport;
    this.authorizer = authorizer;
    this.status = status;
    this.heartbeatLoop = heartbeatLoop;
  }

  @Override
  public void reconcile(XclObject object) {
    Peer p = (Peer) object;
    String name = p.metadata().name();
    List<Endpoint> eps = new ArrayList<>();
    for (Peer.GatewayAddress g : p.spec().gateways()) {
      eps.add(new Endpoint(g.host(), g.port()));
    }
    PeerState st = peers.get(name);
    if (st != null) {
      st.client.setEndpoints(eps);
      st.generation = p.metadata().generation();
      heartbeatLoop.execute(() -> publishStatus(name, st));
      return;
    }
    PeerState created =
        new PeerState(
            new PeerClient(name, eps, tls, transport),
            new Reachability(config.failureThreshold(), config.successThreshold()));
    created.generation = p.metadata().generation();
    peers.put(name, created);
    heartbeatLoop.execute(
        () -> {
          publishStatus(name, created);
          heartbeat(name, created);
        });
  }

  @Override
  public void remove(XclObject last) {
    removePeer(last.metadata().name());
  }

  @Override
  public String condition() {
    return Condition.PEER_REACHABLE;
  }

  private void removePeer(String name) {
    PeerState st = peers.remove(name);
    if (st == null) {
      return;
    }
    synchronized (st) {
      st.removed = true;
      authorizer.forgetPeer(name);
    }
    ScheduledFuture<?> next = st.nextHeartbeat;
    if (next != null) {
      next.cancel(false);
    }
    st.client.close();
  }

  /** On the heartbeat loop. */
  private void heartbeat(String name, PeerState st) {
    if (st.removed || closed) {
      return;
    }
    Future<Map<String, String>> f = st.client.heartbeat(heartbeatLoop);
    // the promise belongs to the heartbeat loop: the listener runs there
    f.addListener(done -> afterHeartbeat(name, st, f));
  }

  private void afterHeartbeat(String name, PeerState st, Future<Map<String, String>> f) {
    if (st.removed || closed) {
      return;
    }
    boolean flipped;
    if (f.isSuccess()) {
      Map<String, String> labels = f.getNow();
      flipped = st.reachability.success(st.client.connectedEndpoint(heartbeatLoop));
      st.labels = Map.copyOf(labels);
      synchronized (st) {
        if (st.removed) {
          return;
        }
        authorizer.setPeerLabels(name, labels);
      }
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
    publishStatus(name, st);
    long delay =
        (st.reachable ? config.heartbeatInterval() : config.heartbeatIntervalUnreachable())
            .toMillis();
    // before the first flip the peer gets the fast interval, so a fresh gateway finds it quickly
    if (!st.reachable && st.reachability.reason().equals("NeverAnswered")) {
      delay = config.heartbeatInterval().toMillis();
    }
    st.nextHeartbeat =
        heartbeatLoop.schedule(() -> heartbeat(name, st), delay, TimeUnit.MILLISECONDS);
  }

  /** On the heartbeat loop: hands the status to the writer and returns at once. */
  private void publishStatus(String name, PeerState st) {
    Reachability r = st.reachability;
    boolean reachable = r.reachable();
    String reason = r.reason();
    String message = r.message();
    Map<String, String> labels = st.labels;
    Long generation = st.generation;
    st.reason = reason;
    st.message = message;
    status.update(
        new ObjectKey(Kind.PEER, null, name),
        condition(),
        s ->
            s.withCondition(Condition.PEER_REACHABLE, reachable, reason, message, generation)
                .withLabels(labels));
  }

  PeerClient client(String name) {
    PeerState st = peers.get(name);
    return st == null ? null : st.client;
  }

  boolean reachable(String name) {
    PeerState st = peers.get(name);
    return st != null && st.reachable;
  }

  Map<String, PeerState> peers() {
    return peers;
  }

  void dropConnections() {
    for (PeerState st : peers.values()) {
      st.client.dropConnections();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (String name : new ArrayList<>(peers.keySet())) {
      removePeer(name);
    }
  }
}
