package io.xclusterlink.gateway.control;

/**
 * Whether this replica is the one that writes status and allocates import target ports. Several
 * gateway replicas of one peer share a store (on Kubernetes); all of them open listeners and send
 * heartbeats, but only the leader writes, so that replicas do not fight over status or ports.
 * Thread-safe; {@link #isLeader()} is read often and must be cheap.
 */
public interface Leadership {
  /** A standalone gateway: always the leader. */
  Leadership ALWAYS =
      new Leadership() {
        @Override
        public boolean isLeader() {
          return true;
        }

        @Override
        public void onChange(Runnable callback) {}
      };

  boolean isLeader();

  /**
   * Registers a callback run (on any thread, possibly concurrently with others) after {@link
   * #isLeader()} changed; the control plane then reconciles every object again, so that a new
   * leader writes the status and allocates the ports its predecessor left.
   */
  void onChange(Runnable callback);
}
