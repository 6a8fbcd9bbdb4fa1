package io.xclusterlink.store;

/** What happened to an object in a {@link Store}. */
public enum EventType {
  ADDED,
  MODIFIED,
  DELETED
}
