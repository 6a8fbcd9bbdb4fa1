package io.xclusterlink.kube.store;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.PutResult;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreConflictException;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreException;
import io.xclusterlink.store.StoreListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} of Kubernetes mode: the custom resources of the API group in one namespace (or
 * all), through one informer per kind. Reads ({@link #get}, {@link #list}) answer from the objects
 * the informers delivered, never from the API server, so the data path keeps its state while the
 * API server is away and the informers list again when it is back. Writes go to the API server:
 * {@link #put} creates or updates (with the caller's resourceVersion when it gave one, a 409 being
 * a {@link StoreConflictException}), {@link #setStatus} updates the status subresource. Listeners
 * get every change on one thread of the store's, in the order the informers delivered them.
 */
public final class KubeStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(KubeStore.class);
  private static final Comparator<XclObject> ORDER =
      Comparator.comparing((XclObject o) -> Objects.toString(o.metadata().namespace(), ""))
          .thenComparing(o -> o.metadata().name());

  private final KubernetesClient client;
  private final String namespace;
  private final Map<Kind, SharedIndexInformer<GenericKubernetesResource>> informers =
      new EnumMap<>(Kind.class);
  private final Map<Kind, Map<ObjectKey, XclObject>> view = new EnumMap<>(Kind.class);
  private final List<StoreListener> listeners = new ArrayList<>(); // on the dispatcher only
  private final ExecutorService dispatcher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-kube-store");
            t.setDaemon(true);
            return t;
          });
  private final ScheduledExecutorService syncCheck =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-kube-sync");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Boolean> badObjects = new ConcurrentHashMap<>();
  private final Object statusWrites = new Object();
  private volatile boolean synced;
  private volatile boolean closed;

  /**
   * @param client the API server's client; the caller closes it after this store
   * @param namespaceOrNullForAll where namespaced kinds are watched; cluster-scoped kinds always
   *     cluster-wide
   */
  public KubeStore(KubernetesClient client, String namespaceOrNullForAll) {
    this.client = client;
    this.namespace = namespaceOrNullForAll;
    for (Kind k : Kind.values()) {
      view.put(k, new ConcurrentHashMap<>());
    }
  }

  /** Starts the informers; returns at once. {@link #hasSynced} says when they have listed. */
  public KubeStore start() {
    for (Kind kind : Kind.values()) {
      SharedIndexInformer<GenericKubernetesResource> informer = watched(kind).runnableInformer(0);
      informer.exceptionHandler(
          (started, t) -> {
            log.warn(
                "{} informer: {} (retrying; the gateway keeps what it has)",
                kind.kindName(),
                t.toString());
            return true;
          });
      informer.addEventHandler(new Handler(kind));
      informers.put(kind, informer);
    }
    for (SharedIndexInformer<GenericKubernetesResource> i : informers.values()) {
      i.start();
    }
    syncCheck.scheduleWithFixedDelay(this::checkSynced, 20, 50, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The watch namespace, or null for all. */
  public String namespace() {
    return namespace;
  }

  private Informable<GenericKubernetesResource> watched(Kind kind) {
    var op = client.genericKubernetesResources(KubeObjects.context(kind));
    if (kind.namespaced() && namespace != null) {
      return op.inNamespace(namespace);
    }
    return op.inAnyNamespace();
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      kindIn(ObjectKey key) {
    var op = client.genericKubernetesResources(KubeObjects.context(key.kind()));
    return key.kind().namespaced() ? op.inNamespace(key.namespace()) : op;
  }

  private Resource<GenericKubernetesResource> resource(ObjectKey key) {
    return kindIn(key).withName(key.name());
  }

  private GenericKubernetesResource cached(ObjectKey key) {
    SharedIndexInformer<GenericKubernetesResource> i = informers.get(key.kind());
    if (i == null) {
      return null;
    }
    String k = key.kind().namespaced() ? key.namespace() + "/" + key.name() : key.name();
    return i.getStore().getByKey(k);
  }

  /** The uid the API server gave the object (owner references need it); empty if unknown. */
  public Optional<String> uid(ObjectKey key) {
    return Optional.ofNullable(cached(key)).map(r -> r.getMetadata().getUid());
  }

  // ---- reads ------------------------------------------------------------------------------

  @Override
  public Optional<XclObject> get(ObjectKey key) {
    return Optional.ofNullable(view.get(key.kind()).get(key));
  }

  @Override
  public List<XclObject> list(Kind kind, String namespaceOrNullForAll) {
    List<XclObject> out = new ArrayList<>();
    for (XclObject o : view.get(kind).values()) {
      if (namespaceOrNullForAll == null || namespaceOrNullForAll.equals(o.metadata().namespace())) {
        out.add(o);
      }
    }
    out.sort(ORDER);
    return out;
  }

  @Override
  public boolean hasSynced() {
    return synced;
  }

  // ---- writes -----------------------------------------------------------------------------

  @Override
  public PutResult put(XclObject incoming) {
    XclObject obj = incoming.normalized();
    ObjectKey key = obj.key();
    String wanted = obj.metadata().resourceVersion();
    try {
      GenericKubernetesResource base = cached(key);
      if (wanted != null && (base == null || !wanted.equals(version(base)))) {
        base = resource(key).get();
        if (base == null || !wanted.equals(version(base))) {
          throw new StoreConflictException(key, wanted, base == null ? null : version(base));
        }
      }
      for (int attempt = 1; ; attempt++) {
        if (base != null && sameSpec(obj, base)) {
          return new PutResult(PutResult.Outcome.UNCHANGED, KubeObjects.toObject(key.kind(), base));
        }
        try {
          if (base == null) {
            GenericKubernetesResource created =
                kindIn(key).resource(KubeObjects.toResource(obj, null)).create();
            return new PutResult(
                PutResult.Outcome.CREATED, KubeObjects.toObject(key.kind(), created));
          }
          GenericKubernetesResource updated =
              kindIn(key)
                  .resource(
                      KubeObjects.toResource(
                          obj.withMetadata(obj.metadata().withVersions(version(base), null)), base))
                  .update();
          return new PutResult(
              PutResult.Outcome.CONFIGURED, KubeObjects.toObject(key.kind(), updated));
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          GenericKubernetesResource now = resource(key).get();
          if (wanted != null || attempt >= 3) {
            throw new StoreConflictException(
                key, wanted != null ? wanted : version(base), now == null ? null : version(now));
          }
          base = now; // no version asked for: the latest wins
        }
      }
    } catch (KubernetesClientException e) {
      throw new StoreException(key + ": the API server refused the write: " + describe(e), e);
    }
  }

  private static boolean sameSpec(XclObject obj, GenericKubernetesResource base) {
    try {
      XclObject stored = KubeObjects.toObject(obj.kind(), base);
      return stored
          .withMetadata(stored.metadata().withoutVersions())
          .withStatus(Status.EMPTY)
          .equals(obj.withMetadata(obj.metadata().withoutVersions()).withStatus(Status.EMPTY));
    } catch (InvalidObjectException e) {
      return false;
    }
  }

  @Override
  public List<PutResult> putAll(List<XclObject> objects) {
    List<PutResult> out = new ArrayList<>();
    for (XclObject o : objects) {
      out.add(put(o));
    }
    return out;
  }

  @Override
  public boolean delete(ObjectKey key) {
    try {
      return !resource(key).delete().isEmpty();
    } catch (KubernetesClientException e) {
      throw new StoreException(key + ": the API server refused the delete: " + describe(e), e);
    }
  }

  /**
   * Writes the status subresource. Conditions that do not say which generation they were computed
   * from get the generation of the object they are written to.
   */
  @Override
  public boolean setStatus(ObjectKey key, Status status) {
    return updateStatus(key, current -> status);
  }

  /**
   * Replaces the status with {@code change} applied to the stored one, read from the API server
   * (not the cache) while no other status write of this store runs, so that writers of different
   * conditions (the control plane, the Service reconcilers) never undo each other's. A change that
   * leaves the cached status as it is writes nothing. Returns false if the object does not exist.
   */
  public boolean updateStatus(ObjectKey key, UnaryOperator<Status> change) {
    GenericKubernetesResource cached = cached(key);
    try {
      if (cached != null && unchanged(key, cached, change)) {
        return true;
      }
      synchronized (statusWrites) {
        GenericKubernetesResource base = resource(key).get();
        for (int attempt = 1; base != null; attempt++) {
          if (unchanged(key, base, change)) {
            return true;
          }
          Status next =
              withObservedGeneration(
                  change.apply(KubeObjects.toObject(key.kind(), base).status()),
                  base.getMetadata().getGeneration());
          try {
            kindIn(key).resource(KubeObjects.withStatus(base, next)).updateStatus();
            return true;
          } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
              return false;
            }
            if (e.getCode() != 409 || attempt >= 3) {
              throw e;
            }
            base = resource(key).get();
          }
        }
        return false;
      }
    } catch (KubernetesClientException e) {
      throw new StoreException(
          key + ": the API server refused the status write: " + describe(e), e);
    } catch (InvalidObjectException e) {
      throw new StoreException(key + ": " + e.getMessage(), e);
    }
  }

  private static boolean unchanged(
      ObjectKey key, GenericKubernetesResource r, UnaryOperator<Status> change) {
    if (r.getAdditionalProperties().get("status") == null) {
      return false;
    }
    Status now = KubeObjects.toObject(key.kind(), r).status();
    return now.equals(withObservedGeneration(change.apply(now), r.getMetadata().getGeneration()));
  }

  private static Status withObservedGeneration(Status status, Long generation) {
    if (generation == null) {
      return status;
    }
    List<Condition> out = new ArrayList<>();
    for (Condition c : status.conditions()) {
      out.add(
          c.observedGeneration() != null
              ? c
              : new Condition(
                  c.type(),
                  c.status(),
                  c.reason(),
                  c.message(),
                  c.lastTransitionTime(),
                  generation));
    }
    return new Status(out, status.labels());
  }

  // ---- events -----------------------------------------------------------------------------

  @Override
  public void addListener(StoreListener listener) {
    dispatcher.execute(
        () -> {
          for (Kind k : Kind.values()) {
            for (XclObject o : list(k, null)) {
              deliver(listener, new StoreEvent(EventType.ADDED, o));
            }
          }
          if (synced) {
            synced(listener);
          }
          listeners.add(listener);
        });
  }

  private void checkSynced() {
    if (synced || closed) {
      return;
    }
    for (SharedIndexInformer<GenericKubernetesResource> i : informers.values()) {
      if (!i.hasSynced()) {
        return;
      }
    }
    syncCheck.shutdown();
    dispatcher.execute(
        () -> {
          // the informers' own notifications of the initial list may still be on their way:
          // take what their caches hold now (later duplicates are dropped by resourceVersion)
          for (Map.Entry<Kind, SharedIndexInformer<GenericKubernetesResource>> e :
              informers.entrySet()) {
            for (GenericKubernetesResource r : e.getValue().getStore().list()) {
              XclObject o = convert(e.getKey(), r);
              if (o != null) {
                apply(false, o);
              }
            }
          }
          synced = true;
          log.info("Kubernetes store synced: {}", counts());
          for (StoreListener l : listeners) {
            synced(l);
          }
        });
  }

  private String counts() {
    StringBuilder sb = new StringBuilder();
    for (Kind k : Kind.values()) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(view.get(k).size())
          .append(' ')
          .append(k.plural());
    }
    return sb.toString();
  }

  /** Applies one change to the view (on the dispatcher) and tells the listeners. */
  private void apply(boolean deleted, XclObject o) {
    Map<ObjectKey, XclObject> byKey = view.get(o.kind());
    XclObject old = byKey.get(o.key());
    StoreEvent event;
    if (deleted) {
      if (old == null) {
        return;
      }
      byKey.remove(o.key());
      event = new StoreEvent(EventType.DELETED, old);
    } else {
      if (old != null && !newer(o, old)) {
        return;
      }
      byKey.put(o.key(), o);
      event = new StoreEvent(old == null ? EventType.ADDED : EventType.MODIFIED, o);
    }
    for (StoreListener l : listeners) {
      deliver(l, event);
    }
  }

  /** Whether {@code o} is a later version than {@code old} (numeric versions compare as such). */
  private static boolean newer(XclObject o, XclObject old) {
    String a = o.metadata().resourceVersion();
    String b = old.metadata().resourceVersion();
    if (a == null || b == null) {
      return true;
    }
    if (a.equals(b)) {
      return false;
    }
    try {
      return Long.parseLong(a) > Long.parseLong(b);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private void deliver(StoreListener l, StoreEvent e) {
    try {
      l.onEvent(e);
    } catch (RuntimeException ex) {
      log.warn("store listener failed on {} {}: {}", e.type(), e.object().key(), ex.toString());
    }
  }

  private void synced(StoreListener l) {
    try {
      l.onSynced();
    } catch (RuntimeException ex) {
      log.warn("store listener failed on sync: {}", ex.toString());
    }
  }

  private XclObject convert(Kind kind, GenericKubernetesResource r) {
    try {
      XclObject o = KubeObjects.toObject(kind, r);
      badObjects.remove(
          kind + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
      return o;
    } catch (InvalidObjectException e) {
      String id = kind + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
      if (badObjects.put(id, Boolean.TRUE) == null) {
        log.warn("ignoring {} (the previous version, if any, stays in force)", e.getMessage());
      }
      return null;
    }
  }

  /** Turns one informer's notifications into changes of the view, on the dispatcher. */
  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
    private final Kind kind;

    Handler(Kind kind) {
      this.kind = kind;
    }

    @Override
    public void onAdd(GenericKubernetesResource r) {
      XclObject o = convert(kind, r);
      if (o != null && !closed) {
        dispatcher.execute(() -> apply(false, o));
      }
    }

    @Override
    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource r) {
      if (Objects.equals(version(old), version(r))) {
        return; // a resync, not a change
      }
      onAdd(r);
    }

    @Override
    public void onDelete(GenericKubernetesResource r, boolean finalStateUnknown) {
      XclObject o = convert(kind, r);
      if (o != null && !closed) {
        dispatcher.execute(() -> apply(true, o));
      } else if (o == null && !closed) {
        // an object we could not read goes too: drop whatever version of it we held
        ObjectKey key =
            new ObjectKey(
                kind,
                kind.namespaced() ? r.getMetadata().getNamespace() : null,
                r.getMetadata().getName());
        dispatcher.execute(
            () -> {
              XclObject held = view.get(kind).get(key);
              if (held != null) {
                apply(true, held);
              }
            });
      }
    }
  }

  private static String version(GenericKubernetesResource r) {
    return r == null ? null : r.getMetadata().getResourceVersion();
  }

  private static String describe(KubernetesClientException e) {
    String m =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return (e.getCode() > 0 ? e.getCode() + " " : "")
        + (m == null ? e.toString() : m.lines().findFirst().orElse(m));
  }

  @Override
  public void close() {
    closed = true;
    syncCheck.shutdownNow();
    for (SharedIndexInformer<GenericKubernetesResource> i : informers.values()) {
      i.stop();
    }
    dispatcher.shutdown();
    try {
      dispatcher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatcher.shutdownNow();
  }
}
