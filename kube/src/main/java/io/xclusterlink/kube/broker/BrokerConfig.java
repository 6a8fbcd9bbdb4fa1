package io.xclusterlink.kube.broker;

import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Validation;
import java.time.Duration;
import java.util.List;

/**
 * How one gateway takes part in a broker: who it is, where the shared objects live, what it
 * publishes, and how careful it is about deleting.
 *
 * @param peer this peer's name (its certificate's DNS SAN); its own objects are never turned into a
 *     Peer
 * @param namespace the broker namespace holding every peer's {@code GatewayExIp}
 * @param node null for one object per peer ({@code <peer>}), else the node name for one object per
 *     gateway node ({@code <peer>-<node>})
 * @param publication what this peer publishes: at least {@code externalIps} and {@code port} (the
 *     gateway port other peers dial); the network path's fields ride along
 * @param keepOnClose leave this peer's object in the broker when the broker client closes (a
 *     restart then withdraws nothing); by default it is withdrawn
 * @param absenceGrace how long an object that vanished from a re-list (not a watch DELETE: e.g. a
 *     broker that came back with lost state) may stay away before its Peer is deleted; a peer that
 *     re-publishes within it never loses its Peer
 */
public record BrokerConfig(
    String peer,
    String namespace,
    String node,
    GatewayExIp.Spec publication,
    boolean keepOnClose,
    Duration absenceGrace) {
  public static final Duration DEFAULT_ABSENCE_GRACE = Duration.ofSeconds(30);

  public BrokerConfig {
    Validation.name("peer", peer);
    Validation.name("--broker-namespace", namespace);
    if (node != null) {
      Validation.name("node", node);
    }
    GatewayExIps.checkPublication(peer, publication);
    if (absenceGrace == null || absenceGrace.isNegative()) {
      throw new InvalidObjectException(
          "absenceGrace: " + absenceGrace + " (expected: a duration of zero or more)");
    }
  }

  /** One object per peer, withdrawn on close, the default grace. */
  public static BrokerConfig of(String peer, String namespace, GatewayExIp.Spec publication) {
    return new BrokerConfig(peer, namespace, null, publication, false, DEFAULT_ABSENCE_GRACE);
  }

  /** The same for a service-path gateway: its external addresses and its gateway port. */
  public static BrokerConfig of(
      String peer, String namespace, List<String> externalIps, int gatewayPort) {
    return of(
        peer,
        namespace,
        new GatewayExIp.Spec(externalIps, gatewayPort, null, null, null, null, null, null));
  }

  public BrokerConfig withNode(String n) {
    return new BrokerConfig(peer, namespace, n, publication, keepOnClose, absenceGrace);
  }

  public BrokerConfig withKeepOnClose(boolean keep) {
    return new BrokerConfig(peer, namespace, node, publication, keep, absenceGrace);
  }

  public BrokerConfig withAbsenceGrace(Duration grace) {
    return new BrokerConfig(peer, namespace, node, publication, keepOnClose, grace);
  }

  /** The name of this peer's object in the broker namespace. */
  public String objectName() {
    return GatewayExIps.objectName(peer, node);
  }
}
