package io.xclusterlink.store;

/**
 * Receives the changes of a {@link Store}. Called on the writer's thread while the store holds its
 * write lock, so an implementation must not block: hand the event to its own thread.
 */
@FunctionalInterface
public interface StoreListener {
  void onEvent(StoreEvent event);
}
