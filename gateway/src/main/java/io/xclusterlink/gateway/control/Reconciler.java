package io.xclusterlink.gateway.control;

import io.xclusterlink.api.XclObject;

/**
 * Turns the desired state of one kind into running parts. Called by the {@link
 * StoreEventDispatcher} on the control-plane thread only, so implementations keep their state
 * without locks; an exception thrown here becomes a {@link #condition()} with reason {@code
 * ReconcileFailed} on the object, written by the {@link StatusWriter}.
 */
interface Reconciler extends AutoCloseable {
  /** The object appeared, or its spec or labels changed (a new generation), or a resync. */
  void reconcile(XclObject object);

  /** The object was deleted; {@code last} is its last stored version. */
  void remove(XclObject last);

  /**
   * The condition type this reconciler reports an object's state in, and the {@link StatusWriter}
   * slot it writes it through.
   */
  String condition();

  /** Stops everything this reconciler started; on the control-plane thread. */
  @Override
  default void close() {}
}
