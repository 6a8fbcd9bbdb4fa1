package io.xclusterlink.store;

/**
 * Receives the changes of a {@link Store}, one at a time and in commit order, on a thread of the
 * store's (never the writer's), so a listener may take its time without holding up writers; it must
 * not call {@link Store#addListener}.
 */
@FunctionalInterface
public interface StoreListener {
  void onEvent(StoreEvent event);

  /**
   * Called once, after the ADDED events of every object that existed when the listener was added
   * (the initial list); later events follow. Informer-backed stores call it when their caches have
   * synced.
   */
  default void onSynced() {}
}
