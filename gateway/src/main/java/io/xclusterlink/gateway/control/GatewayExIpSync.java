package io.xclusterlink.gateway.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.peer.Endpoint;
import io.xclusterlink.gateway.peer.PeerClient;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.gateway.tunnel.TunnelRefusedException;
import io.xclusterlink.pki.TlsContexts;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this gateway's own {@link GatewayExIp}s to its peers and learns theirs, over the peer
 * channel (the one mTLS HTTP/2 port; request {@code GET /xcl/v1/gateways}, docs/protocol.md): no
 * new open port, and no one types a remote gateway's address.
 *
 * <p>Publishing: the objects in the store without {@value GatewayExIp#LEARNED_LABEL} are encoded
 * once per change ({@link #published}) and served by the ingress side. Learning: every {@code
 * interval}, each Peer is asked for its own; the answer replaces what was learned from it — stored
 * as {@code <peer>.<name>} in the object's namespace, labelled {@value GatewayExIp#PEER_LABEL} =
 * the peer's certificate name (never a name the payload claims) and {@value
 * GatewayExIp#LEARNED_LABEL}; changed ones are replaced, withdrawn ones deleted, and a deleted Peer
 * takes its learned objects with it. A peer that cannot be reached keeps what it published (the
 * data path's probes judge its gateways); one that does not know the request (400: an older
 * version) publishes nothing. Kept apart from {@link ControlPlane}: its own connections (one per
 * peer) and its own thread, which is the only one writing learned objects.
 */
public final class GatewayExIpSync implements StoreListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayExIpSync.class);

  /** How many objects a peer may publish: one header each, under the 64 KiB header list. */
  public static final int MAX_PUBLISHED = 128;

  private final Store store;
  private final TlsContexts tls;
  private final Transport transport;
  private final EventLoop loop;
  private final Duration interval;
  private final java.util.concurrent.ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-gatewayexip-sync");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, PeerSync> peers = new HashMap<>();
  private volatile List<String> published = List.of();
  private volatile boolean closed;

  private static final class PeerSync {
    final PeerClient client;
    ScheduledFuture<?> next;
    String lastProblem;
    boolean removed;

    PeerSync(PeerClient client) {
      this.client = client;
    }
  }

  public GatewayExIpSync(
      Store store, TlsContexts tls, Transport transport, EventLoop loop, Duration interval) {
    this.store = store;
    this.tls = tls;
    this.transport = transport;
    this.loop = loop;
    this.interval = interval;
  }

  /** Starts following the store: Peers to ask, own GatewayExIps to publish. */
  public GatewayExIpSync start() {
    store.addListener(this);
    return this;
  }

  /** This gateway's own GatewayExIps, each encoded as one header value; thread-safe. */
  public List<String> published() {
    return published;
  }

  @Override
  public void onEvent(StoreEvent event) {
    if (closed) {
      return;
    }
    XclObject obj = event.object();
    if (obj.kind() == Kind.GATEWAY_EX_IP && ((GatewayExIp) obj).learnedFrom() == null) {
      thread.execute(this::republish);
    } else if (obj.kind() == Kind.PEER) {
      boolean deleted = event.type() == EventType.DELETED;
      thread.execute(() -> peer((Peer) obj, deleted));
    }
  }

  private void republish() {
    List<String> out = new ArrayList<>();
    for (XclObject o : store.list(Kind.GATEWAY_EX_IP, null)) {
      GatewayExIp g = (GatewayExIp) o;
      if (g.learnedFrom() == null) {
        out.add(encode(g));
      }
    }
    if (out.size() > MAX_PUBLISHED) {
      log.warn(
          "{} GatewayExIps to publish; only the first {} are published", out.size(), MAX_PUBLISHED);
      out = out.subList(0, MAX_PUBLISHED);
    }
    published = List.copyOf(out);
  }

  /** The wire form of one GatewayExIp: compact JSON of its namespace, name and spec. */
  static String encode(GatewayExIp g) {
    ObjectNode n = ObjectCodec.json().createObjectNode();
    n.put("namespace", g.metadata().namespace());
    n.put("name", g.metadata().name());
    n.set("spec", ObjectCodec.json().valueToTree(g.spec()));
    return n.toString();
  }

  /**
   * Reads one published object as learned from {@code peer}; null (and a warning) when it is not a
   * valid GatewayExIp.
   */
  static GatewayExIp decode(String peer, String text) {
    try {
      JsonNode n = ObjectCodec.json().readTree(text);
      String ns = n.path("namespace").asText(XclObject.DEFAULT_NAMESPACE);
      String name = n.path("name").asText("");
      GatewayExIp.Spec spec = ObjectCodec.json().treeToValue(n.get("spec"), GatewayExIp.Spec.class);
      if (spec != null && spec.node() == null) {
        // the gateway keeps its own name; the stored name says where it came from
        spec =
            new GatewayExIp.Spec(
                spec.externalIps(),
                spec.port(),
                spec.globalNetCIDR(),
                spec.vpc(),
                name,
                spec.tunnelIp(),
                spec.transitIp(),
                spec.cidrs());
      }
      GatewayExIp g =
          new GatewayExIp(
              new ObjectMeta(
                  learnedName(peer, name),
                  ns,
                  Map.of(GatewayExIp.PEER_LABEL, peer, GatewayExIp.LEARNED_LABEL, "true")),
              spec,
              null);
      Validation.validate(g, true);
      return g;
    } catch (JsonProcessingException | IllegalArgumentException | InvalidObjectException e) {
      log.warn(
          "peer {} published a GatewayExIp that is not valid, ignored: {}", peer, e.getMessage());
      return null;
    }
  }

  /** {@code <peer>.<name>}, or {@code <name>.<hash of peer>} when that is too long for a name. */
  static String learnedName(String peer, String name) {
    String n = peer + "." + name;
    if (n.length() <= Validation.MAX_NAME) {
      return n;
    }
    String hash = Integer.toHexString(peer.hashCode() & 0x7fff_ffff);
    return name.substring(0, Math.min(name.length(), Validation.MAX_NAME - hash.length() - 1))
        + "."
        + hash;
  }

  private void peer(Peer p, boolean deleted) {
    String name = p.metadata().name();
    PeerSync st = peers.get(name);
    if (deleted) {
      if (st != null) {
        peers.remove(name);
        st.removed = true;
        if (st.next != null) {
          st.next.cancel(false);
        }
        st.client.close();
      }
      replaceLearned(name, List.of());
      return;
    }
    List<Endpoint> eps = new ArrayList<>();
    for (Peer.GatewayAddress g : p.spec().gateways()) {
      eps.add(new Endpoint(g.host(), g.port()));
    }
    if (st != null) {
      st.client.setEndpoints(eps);
      return;
    }
    PeerSync created = new PeerSync(new PeerClient(name, eps, tls, transport));
    peers.put(name, created);
    ask(name, created);
  }

  private void ask(String peer, PeerSync st) {
    if (st.removed || closed) {
      return;
    }
    Future<List<String>> f = st.client.gateways(loop);
    f.addListener(
        done -> {
          if (closed) {
            return;
          }
          try {
            thread.execute(() -> answered(peer, st, f));
          } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
          }
        });
  }

  private void answered(String peer, PeerSync st, Future<List<String>> f) {
    if (st.removed || closed) {
      return;
    }
    String problem = null;
    if (f.isSuccess()) {
      List<GatewayExIp> learned = new ArrayList<>();
      for (String text : f.getNow()) {
        GatewayExIp g = decode(peer, text);
        if (g != null) {
          learned.add(g);
        }
      }
      replaceLearned(peer, learned);
    } else if (f.cause() instanceof TunnelRefusedException r) {
      problem = "does not publish GatewayExIps (" + r.getMessage() + ")";
    } else {
      problem = "unreachable, keeping what it published: " + Failures.describe(f.cause());
    }
    if (problem != null && !problem.equals(st.lastProblem)) {
      log.info("GatewayExIps of peer {}: {}", peer, problem);
    }
    st.lastProblem = problem;
    st.next = thread.schedule(() -> ask(peer, st), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Makes the store's learned objects of {@code peer} exactly {@code learned}. */
  private void replaceLearned(String peer, List<GatewayExIp> learned) {
    Set<ObjectKey> keep = new HashSet<>();
    for (GatewayExIp g : learned) {
      keep.add(g.key());
      XclObject stored = store.get(g.key()).orElse(null);
      if (stored != null
          && stored.metadata().withoutVersions().equals(g.metadata())
          && java.util.Objects.equals(((GatewayExIp) stored).spec(), g.spec())) {
        continue;
      }
      store.put(g);
      log.info(
          "learned GatewayExIp {} of peer {}: {}",
          g.key(),
          peer,
          String.join(",", g.spec().externalIps()));
    }
    for (XclObject o : store.list(Kind.GATEWAY_EX_IP, null)) {
      if (peer.equals(((GatewayExIp) o).learnedFrom()) && !keep.contains(o.key())) {
        store.delete(o.key());
        log.info("peer {} withdrew GatewayExIp {}", peer, o.key());
      }
    }
  }

  /**
   * Closes this sync's connections to every peer (credentials were replaced: docs/protocol.md); the
   * next request connects again with the new ones.
   */
  public void dropPeerConnections() {
    try {
      thread.execute(() -> peers.values().forEach(st -> st.client.dropConnections()));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  @Override
  public void close() {
    closed = true;
    ExecutorService t = thread;
    try {
      t.submit(
              () -> {
                for (PeerSync st : peers.values()) {
                  st.removed = true;
                  if (st.next != null) {
                    st.next.cancel(false);
                  }
                  st.client.close();
                }
                peers.clear();
              })
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("GatewayExIp sync did not stop cleanly: {}", e.toString());
    }
    t.shutdownNow();
  }
}
