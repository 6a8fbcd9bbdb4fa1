package io.xclusterlink.store;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Desired and observed state of one gateway (the embedded store) or of one cluster (the API
 * server). Thread-safe. Every write sets the object's {@code metadata.resourceVersion}; a change of
 * spec or labels also bumps {@code metadata.generation}. Listeners are fed asynchronously, in
 * commit order, after the change is durable (see {@link StoreListener}).
 */
public interface Store extends AutoCloseable {
  /**
   * Creates or replaces (by {@link ObjectKey}) the object's metadata and spec. The stored status is
   * kept: callers cannot set status through put. Durable before it returns. An object equal to the
   * stored one is {@link PutResult.Outcome#UNCHANGED} and fires no event. If the object carries a
   * {@code metadata.resourceVersion} that is not the stored one's (or there is no stored object),
   * nothing is written and {@link StoreConflictException} is thrown.
   */
  PutResult put(XclObject object);

  /**
   * Puts several objects, in order, as if by {@link #put} one after the other. Atomic as far as
   * validation goes: the caller validated them all beforehand, so all are written. Results are in
   * the order of {@code objects}.
   */
  List<PutResult> putAll(List<XclObject> objects);

  Optional<XclObject> get(ObjectKey key);

  /** Objects of a kind, in one namespace or (null) all, sorted by namespace then name. */
  List<XclObject> list(Kind kind, String namespaceOrNullForAll);

  /** Deletes an object and fires DELETED with its last version; false if there was none. */
  boolean delete(ObjectKey key);

  /**
   * Replaces the status only (the status subresource): persisted, a new resourceVersion, the same
   * generation, and a MODIFIED event (listeners that reconcile specs ignore events whose generation
   * they have already seen). A status equal to the stored one writes nothing. Returns false if the
   * object does not exist.
   */
  boolean setStatus(ObjectKey key, Status status);

  /**
   * Replaces the status of several objects, as if by {@link #setStatus} one after the other;
   * objects that do not exist are skipped. A store may write them together (the embedded store
   * commits them as one apply, with one intent record), so a writer that has many statuses to write
   * at once hands them over here.
   */
  default void setStatusAll(Map<ObjectKey, Status> statuses) {
    statuses.forEach(this::setStatus);
  }

  /**
   * Whether the store has its initial state: always for the embedded store once open; for an
   * informer-backed store once every informer has listed. A gateway does not report ready before.
   */
  boolean hasSynced();

  /**
   * Adds a listener: it first receives ADDED for every existing object, then {@link
   * StoreListener#onSynced()}, then every later change, with nothing lost or repeated in between.
   */
  void addListener(StoreListener listener);

  @Override
  void close();
}
