package io.xclusterlink.gateway.control;

import io.xclusterlink.gateway.peer.PeerClient;
import io.xclusterlink.gateway.peer.Reachability;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * What the control plane tracks for one remote peer. The reachability is mutated only on the
 * heartbeat event loop; the volatile fields are read by the status answer and the data path.
 */
final class PeerState {
  final PeerClient client;
  final Reachability reachability;
  volatile boolean reachable;
  volatile Map<String, String> labels = Map.of();
  volatile String reason;
  volatile String message;
  // the Peer's generation its status is computed from
  volatile Long generation;
  volatile ScheduledFuture<?> nextHeartbeat;
  // set under the PeerState's monitor, so that a late heartbeat cannot bring labels back
  boolean removed;

  PeerState(PeerClient client, Reachability reachability) {
    this.client = client;
    this.reachability = reachability;
    this.reason = reachability.reason();
    this.message = reachability.message();
  }
}
