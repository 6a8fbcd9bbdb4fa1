package io.xclusterlink.store;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.util.List;
import java.util.Optional;

/**
 * Desired state of one gateway. Thread-safe. Listeners are called synchronously, in commit order,
 * after the change is durable, on the writer's thread, and must not block.
 */
public interface Store extends AutoCloseable {
  /**
   * Creates or replaces (by {@link ObjectKey}) the object's metadata and spec. The stored status is
   * kept: callers cannot set status through put. Durable before it returns. An object equal to the
   * stored one is {@link PutResult.Outcome#UNCHANGED} and fires no event.
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
   * Replaces the status only: in memory, not persisted, no event (status is observed state that the
   * control plane recomputes after a restart). Returns false if the object does not exist.
   */
  boolean setStatus(ObjectKey key, Status status);

  /**
   * Adds a listener: it first receives ADDED for every existing object, then every later change,
   * with nothing lost or repeated in between.
   */
  void addListener(StoreListener listener);

  @Override
  void close();
}
