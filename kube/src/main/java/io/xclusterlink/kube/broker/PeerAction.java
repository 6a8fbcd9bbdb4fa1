package io.xclusterlink.kube.broker;

import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Peer;

/** What the broker does to one Peer of the local store, decided by {@link PeerProjection}. */
sealed interface PeerAction {
  /**
   * Writes the broker-managed Peer; it carries the resourceVersion of the managed Peer it replaces
   * (null when there is none), so a Peer a user wrote in between makes the write fail, not vanish.
   */
  record Put(Peer peer) implements PeerAction {}

  /** Deletes the broker-managed Peer: its peer withdrew. */
  record Delete(ObjectKey key) implements PeerAction {}

  /** Nothing to write, and why (for the debug log). */
  record Leave(String why) implements PeerAction {}
}
