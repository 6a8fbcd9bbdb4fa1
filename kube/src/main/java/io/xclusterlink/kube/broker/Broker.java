package io.xclusterlink.kube.broker;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.config.GatewayStartException;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreConflictException;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's client of the broker, the API server through which peers find each other's gateways
 * without hand-written Peer objects. It publishes this peer's gateway addresses as a {@code
 * GatewayExIp} in the broker namespace (and puts it back if someone deletes or changes it), watches
 * every other peer's there with an informer, and keeps one broker-managed Peer per remote peer in
 * the local {@link Store} (labelled {@value PeerProjection#MANAGED_BY_LABEL}={@value
 * PeerProjection#MANAGED_BY_BROKER}). A Peer a user wrote is never overwritten or deleted. A
 * managed Peer is deleted only when its peer's objects are seen deleted (a watch DELETE), or stay
 * absent from a re-list for {@link BrokerConfig#absenceGrace()}; a broker that cannot be reached
 * deletes nothing, so the data path keeps what it has and the informer resyncs when the broker
 * returns.
 *
 * <p>Wiring ({@code xcl gateway start --broker-kubeconfig FILE --broker-namespace NS}): start the
 * gateway first, then {@code Broker.fromKubeconfig(BrokerConfig.of(peer, ns, externalIps,
 * gateway.tunnelAddress().getPort()), file, gateway.store()).start()}, and close the broker before
 * the gateway. {@link #start()} does not wait for the broker: a gateway starts and carries traffic
 * with the Peers it has even when the broker is down.
 *
 * <p>Thread-safe. All decisions run on one thread of the broker's own, fed by the informer and by
 * the local store's listener, so a slow broker never holds up the gateway.
 */
public final class Broker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);
  private static final String BY_PEER = "byPeer";
  private static final long MAX_RETRY_MS = 10_000;
  private static final long WITHDRAW_WAIT_MS = 5_000;
  private static final long RELIST_AFTER_MS = 5_000;
  private static final long WATCHDOG_MS = 200;

  private final BrokerConfig config;
  private final KubernetesClient client;
  private final boolean ownsClient;
  private final Store store;
  private final Map<String, String> invalidLogged = new ConcurrentHashMap<>();
  private volatile GatewayExIp.Spec publication;
  private volatile boolean closed;
  private volatile boolean storeSynced;
  private volatile boolean brokerSynced;
  private volatile boolean watchSeen;
  private final java.util.concurrent.atomic.AtomicInteger lists =
      new java.util.concurrent.atomic.AtomicInteger();
  private ScheduledExecutorService loop;
  private volatile SharedIndexInformer<GenericKubernetesResource> informer;
  // touched on the loop thread only
  private ScheduledFuture<?> publishRetry;
  private int publishFailures;
  private long notWatchingSince;
  private String ownUidBeforeRelist;

  /**
   * A broker client over a Kubernetes client the caller owns (and closes after this). Does no I/O.
   *
   * @param brokerClient a client of the broker API server; its namespace is ignored
   * @param localStore where the managed Peers go (the gateway's store); not closed by this
   */
  public Broker(BrokerConfig config, KubernetesClient brokerClient, Store localStore) {
    this(config, brokerClient, false, localStore);
  }

  private Broker(BrokerConfig config, KubernetesClient client, boolean owns, Store store) {
    this.config = config;
    this.client = client;
    this.ownsClient = owns;
    this.store = store;
    this.publication = config.publication();
  }

  /**
   * A broker client that reads {@code kubeconfig} (its current context) and owns the client it
   * makes: watches reconnect forever, a request gives up after a few retries.
   *
   * @throws GatewayStartException with one line naming the file, when it cannot be read
   */
  public static Broker fromKubeconfig(BrokerConfig config, Path kubeconfig, Store localStore) {
    if (!Files.isReadable(kubeconfig)) {
      throw new GatewayStartException(
          "--broker-kubeconfig: " + kubeconfig + ": not a readable file (expected: a kubeconfig)",
          null);
    }
    Config c;
    try {
      c = Config.fromKubeconfig(kubeconfig.toFile());
    } catch (Exception e) {
      throw new GatewayStartException(
          "--broker-kubeconfig: "
              + kubeconfig
              + ": "
              + e.getMessage()
              + " (expected: a kubeconfig)",
          e);
    }
    c.setWatchReconnectLimit(-1);
    c.setWatchReconnectInterval(1000);
    c.setRequestRetryBackoffLimit(3);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(c).build();
    return new Broker(config, client, true, localStore);
  }

  public BrokerConfig config() {
    return config;
  }

  /** What this peer publishes now. */
  public GatewayExIp.Spec publication() {
    return publication;
  }

  /**
   * Starts watching and publishing, and returns at once: the first list of the broker, the first
   * publication and every retry happen in the background.
   */
  public Broker start() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "broker-" + config.peer());
              t.setDaemon(true);
              return t;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    loop = executor;
    watch();
    loop.scheduleWithFixedDelay(
        () -> {
          if (!closed) {
            watchdog();
          }
        },
        WATCHDOG_MS,
        WATCHDOG_MS,
        TimeUnit.MILLISECONDS);
    store.addListener(new LocalPeers());
    submit(this::publishOwn);
    log.info(
        "broker {}: publishing {} as {}",
        config.namespace(),
        GatewayExIps.describe(publication),
        config.objectName());
    return this;
  }

  /**
   * A new informer over the broker namespace: it lists, then watches; its events go to the loop.
   * Called on start, and by {@link #watchdog()} to list afresh.
   */
  private void watch() {
    SharedIndexInformer<GenericKubernetesResource> inf =
        objects().withLabel(GatewayExIps.PEER_LABEL).runnableInformer(0);
    inf.addIndexers(
        Map.of(
            BY_PEER,
            r ->
                List.of(
                    Optional.ofNullable(r.getMetadata().getLabels())
                        .map(l -> l.get(GatewayExIps.PEER_LABEL))
                        .orElse(""))));
    // keep retrying, also when the very first list fails: the broker may come up after us
    inf.exceptionHandler(
        (isStarted, t) -> {
          log.debug("broker {}: watch failed, retrying: {}", config.namespace(), t.toString());
          return !closed;
        });
    inf.addEventHandler(new BrokerEvents(inf));
    brokerSynced = false;
    informer = inf;
    inf.start()
        .whenComplete(
            (v, t) -> {
              if (t == null) {
                submit(
                    () -> {
                      if (informer == inf) {
                        brokerSynced = true;
                        lists.incrementAndGet();
                        log.info(
                            "broker {}: listed {} GatewayExIp",
                            config.namespace(),
                            inf.getStore().list().size());
                        sweep();
                      }
                    });
              }
            });
  }

  /**
   * Lists afresh after the watch was down: when it comes back, or when it stays down for {@value
   * #RELIST_AFTER_MS} ms. An informer whose watch fails only reconnects it from its last
   * resourceVersion, and a broker that came back with lost state may accept that (the mock API
   * server does) or refuse it for good (it answers 400 forever): either way the informer would
   * never learn what went away while the broker was down, nor that this peer's own object is gone.
   * A new informer lists. Runs on the loop; looks only at the informer, never at the API server.
   */
  private void watchdog() {
    SharedIndexInformer<GenericKubernetesResource> inf = informer;
    if (!brokerSynced) {
      notWatchingSince = 0;
      watchSeen = false;
      return;
    }
    long now = System.nanoTime();
    boolean up = inf.isWatching();
    watchSeen = up;
    if (up) {
      if (notWatchingSince != 0) {
        relist(inf, "the watch is back after an outage");
      }
    } else if (notWatchingSince == 0) {
      notWatchingSince = now;
    } else if (now - notWatchingSince > TimeUnit.MILLISECONDS.toNanos(RELIST_AFTER_MS)) {
      relist(inf, "no watch for " + RELIST_AFTER_MS + " ms");
    }
  }

  private void relist(SharedIndexInformer<GenericKubernetesResource> inf, String why) {
    log.info("broker {}: {}; listing again", config.namespace(), why);
    notWatchingSince = 0;
    ownUidBeforeRelist = uidOfOwn(inf);
    inf.stop();
    watch();
  }

  /** Changes what this peer publishes (e.g. a LoadBalancer address that arrived late). */
  public void publish(GatewayExIp.Spec spec) {
    publication = GatewayExIps.checkPublication(config.peer(), spec);
    submit(this::publishOwn);
  }

  /**
   * How many times the broker namespace has been listed: once at start, and once more after every
   * watch outage (see {@link #watchdog()}).
   */
  public int lists() {
    return lists.get();
  }

  /** Whether the informer has listed the broker namespace at least once. */
  public boolean synced() {
    return brokerSynced;
  }

  /**
   * Whether the watch on the broker was open when last checked (every {@value #WATCHDOG_MS} ms):
   * false while the broker is unreachable, and until the first list. An outage seen here is
   * followed by a fresh list when the watch is back.
   */
  public boolean watching() {
    return watchSeen;
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      objects() {
    return client.genericKubernetesResources(GatewayExIps.CONTEXT).inNamespace(config.namespace());
  }

  private void submit(Runnable task) {
    schedule(task, 0);
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayMs) {
    if (closed || loop == null || loop.isShutdown()) {
      return null;
    }
    try {
      return loop.schedule(
          () -> {
            if (closed) {
              return;
            }
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("broker {}: {}", config.namespace(), e.toString());
            }
          },
          delayMs,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return null; // closing
    }
  }

  // --- this peer's own object ---

  private void publishOwn() {
    if (publishRetry != null) {
      publishRetry.cancel(false);
      publishRetry = null;
    }
    GatewayExIp.Spec want = publication;
    String name = config.objectName();
    try {
      GenericKubernetesResource current = objects().withName(name).get();
      GenericKubernetesResource next =
          GatewayExIps.toResource(config.namespace(), name, config.peer(), want);
      if (current == null) {
        objects().resource(next).create();
        log.info(
            "broker {}: published {} {}", config.namespace(), name, GatewayExIps.describe(want));
      } else if (!GatewayExIps.says(current, config.peer(), want)) {
        next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        objects().resource(next).update();
        log.info(
            "broker {}: re-published {} {}", config.namespace(), name, GatewayExIps.describe(want));
      }
      publishFailures = 0;
    } catch (KubernetesClientException e) {
      long delay = Math.min(MAX_RETRY_MS, 250L << Math.min(publishFailures, 6));
      if (publishFailures == 0) {
        log.warn(
            "broker {}: cannot publish {} ({}); retrying every {} ms at most",
            config.namespace(),
            name,
            e.getCode() <= 0 ? e.getMessage() : "HTTP " + e.getCode(),
            MAX_RETRY_MS);
      }
      publishFailures++;
      publishRetry = schedule(this::publishOwn, e.getCode() == 409 ? 0 : delay);
    }
  }

  private void withdrawOwn() {
    try {
      CompletableFuture.runAsync(() -> objects().withName(config.objectName()).delete())
          .get(WITHDRAW_WAIT_MS, TimeUnit.MILLISECONDS);
      log.info("broker {}: withdrew {}", config.namespace(), config.objectName());
    } catch (Exception e) {
      log.warn(
          "broker {}: could not withdraw {} ({}); it stays until deleted or re-published",
          config.namespace(),
          config.objectName(),
          e.toString());
    }
  }

  // --- the other peers' objects -> Peers in the local store ---

  /** Every remote peer published now, and every managed Peer: reconciled once the lists are in. */
  private void sweep() {
    if (!brokerSynced) {
      return;
    }
    if (!storeSynced && !store.hasSynced()) {
      schedule(this::sweep, 1000);
      return;
    }
    // The same object of ours (same uid) before and after the outage: the broker kept its state, so
    // what is missing now was deleted meanwhile. Otherwise (first list, or our object gone or
    // re-created) an absence may be a broker that lost its state: wait for re-publications.
    String before = ownUidBeforeRelist;
    ownUidBeforeRelist = null;
    boolean sameState = before != null && before.equals(uidOfOwn(informer));
    Set<String> names = new TreeSet<>();
    boolean ownSeen = false;
    for (GenericKubernetesResource r : informer.getStore().list()) {
      if (isOwn(r)) {
        ownSeen = GatewayExIps.says(r, config.peer(), publication);
      } else {
        names.add(peerOf(r));
      }
    }
    if (!ownSeen) {
      publishOwn();
    }
    for (String peer : names) {
      reconcile(peer, false);
    }
    for (XclObject o : store.list(Kind.PEER, null)) {
      String peer = o.metadata().name();
      if (PeerProjection.isManaged(o) && !names.contains(peer)) {
        if (sameState) {
          reconcile(peer, true);
        } else {
          schedule(() -> reconcile(peer, true), config.absenceGrace().toMillis());
        }
      }
    }
  }

  private void reconcile(String peer, boolean mayDelete) {
    if (peer.isEmpty() || peer.equals(config.peer())) {
      return;
    }
    List<GenericKubernetesResource> raw = informer.getIndexer().byIndex(BY_PEER, peer);
    List<PublishedGateway> valid = new ArrayList<>();
    for (GenericKubernetesResource r : raw) {
      try {
        valid.add(GatewayExIps.parse(r));
      } catch (InvalidObjectException e) {
        String version = r.getMetadata().getResourceVersion();
        if (!version.equals(invalidLogged.put(r.getMetadata().getName(), version))) {
          log.warn("broker {}: ignored: {}", config.namespace(), e.getMessage());
        }
      }
    }
    Optional<Peer> desired = PeerProjection.desired(peer, valid);
    if (desired.isPresent()) {
      Validation.validate(desired.get(), true);
    }
    // only unreadable objects: keep what we have rather than take the peer away
    boolean sure = mayDelete && brokerSynced && raw.isEmpty();
    ObjectKey key = new ObjectKey(Kind.PEER, null, peer);
    PeerAction action = PeerProjection.decide(store.get(key), desired, sure);
    if (action instanceof PeerAction.Put put) {
      try {
        store.put(put.peer());
        log.info("broker: Peer {} -> {}", peer, put.peer().spec().gateways());
      } catch (StoreConflictException e) {
        // someone wrote the Peer in between: decide again on what is there now
        submit(() -> reconcile(peer, mayDelete));
      }
    } else if (action instanceof PeerAction.Delete del) {
      if (store.get(key).map(PeerProjection::isManaged).orElse(false)) {
        store.delete(del.key());
        log.info("broker: Peer {} withdrawn", peer);
      }
    } else if (action instanceof PeerAction.Leave leave) {
      log.debug("broker: Peer {}: {}", peer, leave.why());
    }
  }

  private String uidOfOwn(SharedIndexInformer<GenericKubernetesResource> inf) {
    GenericKubernetesResource own =
        inf.getStore().getByKey(config.namespace() + "/" + config.objectName());
    return own == null ? null : own.getMetadata().getUid();
  }

  private static String peerOf(GenericKubernetesResource r) {
    Map<String, String> labels = r.getMetadata().getLabels();
    String p = labels == null ? null : labels.get(GatewayExIps.PEER_LABEL);
    return p == null ? "" : p;
  }

  private boolean isOwn(GenericKubernetesResource r) {
    return config.objectName().equals(r.getMetadata().getName());
  }

  /** Informer events, handed to the loop. */
  private final class BrokerEvents implements ResourceEventHandler<GenericKubernetesResource> {
    private final SharedIndexInformer<GenericKubernetesResource> source;

    BrokerEvents(SharedIndexInformer<GenericKubernetesResource> source) {
      this.source = source;
    }

    @Override
    public void onAdd(GenericKubernetesResource r) {
      if (source == informer) {
        changed(r);
      }
    }

    @Override
    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource r) {
      if (source != informer) {
        return;
      }
      changed(r);
      String before = peerOf(old);
      if (!before.equals(peerOf(r))) {
        submit(() -> reconcile(before, true));
      }
    }

    private void changed(GenericKubernetesResource r) {
      if (isOwn(r)) {
        if (!GatewayExIps.says(r, config.peer(), publication)) {
          submit(Broker.this::publishOwn);
        }
      } else {
        String peer = peerOf(r);
        submit(() -> reconcile(peer, false));
      }
    }

    @Override
    public void onDelete(GenericKubernetesResource r, boolean finalStateUnknown) {
      if (source != informer) {
        return;
      }
      if (isOwn(r)) {
        submit(Broker.this::publishOwn);
        return;
      }
      String peer = peerOf(r);
      if (finalStateUnknown) {
        // missing from a re-list (e.g. a broker back with lost state): not seen deleted
        schedule(() -> reconcile(peer, true), config.absenceGrace().toMillis());
      } else {
        submit(() -> reconcile(peer, true));
      }
    }
  }

  /** Peer changes in the local store: a user's Peer removed, or a managed one edited. */
  private final class LocalPeers implements StoreListener {
    @Override
    public void onEvent(StoreEvent e) {
      if (closed || e.object().kind() != Kind.PEER) {
        return;
      }
      String peer = e.object().metadata().name();
      if (e.type() == EventType.DELETED || PeerProjection.isManaged(e.object())) {
        submit(() -> reconcile(peer, false));
      }
    }

    @Override
    public void onSynced() {
      submit(
          () -> {
            storeSynced = true;
            sweep();
          });
    }
  }

  /**
   * Stops watching and, unless {@link BrokerConfig#keepOnClose()}, withdraws this peer's object
   * (waiting at most a few seconds for a broker that may be down). Managed Peers stay in the local
   * store: they are the gateway's state, and the next start reconciles them.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (loop != null) {
      // no interrupt: the loop may be writing the local store, whose file channels an interrupt
      // would close under it
      loop.shutdown();
      try {
        loop.awaitTermination(WITHDRAW_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (informer != null) {
      informer.stop();
    }
    if (loop != null && !config.keepOnClose()) {
      withdrawOwn();
    }
    if (ownsClient) {
      client.close();
    }
  }
}
