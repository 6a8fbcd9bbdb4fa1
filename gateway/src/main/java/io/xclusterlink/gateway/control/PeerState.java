package io.xclusterlink.gateway.control;

import io.xclusterlink.gateway.peer.PeerClient;
import io.xclusterlink.gateway.peer.Reachability;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/** What the control plane tracks for one remote peer. Mutated only on the control-plane thread. */
final class PeerState {
  final PeerClient client;
  final Reachability reachability;
  volatile boolean reachable;
  volatile Map<String, String> labels = Map.of();
  volatile String reason;
  volatile String message;
  ScheduledFuture<?> nextHeartbeat;
  boolean removed;

  PeerState(PeerClient client, Reachability reachability) {
    this.client = client;
    this.reachability = reachability;
    this.reason = reachability.reason();
    this.message = reachability.message();
  }
}
