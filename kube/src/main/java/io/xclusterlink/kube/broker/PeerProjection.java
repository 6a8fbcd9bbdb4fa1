package io.xclusterlink.kube.broker;

import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure: the Peer the broker wants for one remote peer given what that peer published, and what to
 * do about it given what the local store holds. The rules: a Peer without the managed-by label was
 * written by a user and always wins (never written, never deleted); a managed Peer follows the
 * published addresses; it is deleted only when its peer has nothing published and deletion is
 * allowed (the caller allows it only for an absence it is sure of).
 */
final class PeerProjection {
  /** The label on every Peer the broker writes; a Peer without it is a user's. */
  static final String MANAGED_BY_LABEL = "xclusterlink.io/managed-by";

  static final String MANAGED_BY_BROKER = "broker";

  private PeerProjection() {}

  /**
   * The Peer for {@code peer}: every external IP of every object at its port, objects in name
   * order, duplicates dropped; empty when nothing is published.
   */
  static Optional<Peer> desired(String peer, Collection<PublishedGateway> published) {
    List<PublishedGateway> sorted = new ArrayList<>(published);
    // an object without a port is a network-path node only: no gateway of the service path
    sorted.removeIf(p -> !p.peer().equals(peer) || p.spec().port() == null);
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    sorted.sort(Comparator.comparing(PublishedGateway::name));
    Set<Peer.GatewayAddress> gateways = new LinkedHashSet<>();
    for (PublishedGateway p : sorted) {
      for (String host : p.spec().externalIps()) {
        gateways.add(new Peer.GatewayAddress(host, p.spec().port()));
      }
    }
    return Optional.of(
        new Peer(
            new ObjectMeta(peer, null, Map.of(MANAGED_BY_LABEL, MANAGED_BY_BROKER)),
            new Peer.Spec(List.copyOf(gateways)),
            Status.EMPTY));
  }

  static boolean isManaged(XclObject o) {
    return MANAGED_BY_BROKER.equals(o.metadata().labels().get(MANAGED_BY_LABEL));
  }

  /**
   * @param existing the Peer of that name in the local store, if any
   * @param desired what {@link #desired} says
   * @param mayDelete whether an empty {@code desired} is a withdrawal the broker saw (a watch
   *     DELETE, or an absence that outlasted the grace), rather than a list it cannot trust yet
   */
  static PeerAction decide(
      Optional<XclObject> existing, Optional<Peer> desired, boolean mayDelete) {
    if (existing.isPresent() && !isManaged(existing.get())) {
      return new PeerAction.Leave("a Peer written by a user wins");
    }
    if (desired.isEmpty()) {
      if (existing.isEmpty()) {
        return new PeerAction.Leave("nothing published, no Peer");
      }
      return mayDelete
          ? new PeerAction.Delete(existing.get().key())
          : new PeerAction.Leave("nothing published, not yet sure it was withdrawn");
    }
    Peer want = desired.get();
    if (existing.isEmpty()) {
      return new PeerAction.Put(want);
    }
    XclObject have = existing.get();
    if (have instanceof Peer p
        && p.spec().equals(want.spec())
        && p.metadata().labels().equals(want.metadata().labels())) {
      return new PeerAction.Leave("up to date");
    }
    return new PeerAction.Put(
        want.withMetadata(want.metadata().withVersions(have.metadata().resourceVersion(), null)));
  }
}
