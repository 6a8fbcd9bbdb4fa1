package io.xclusterlink.gateway.egress;

import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.peer.PeerClient;
import io.xclusterlink.gateway.transport.Transport;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What import listeners need from the rest of the gateway.
 *
 * @param peers the client of a peer by name, or null when no Peer object names it
 * @param reachable whether a peer is currently reachable
 */
public record EgressContext(
    Authorizer authorizer,
    Function<String, PeerClient> peers,
    Predicate<String> reachable,
    WorkloadResolver workloads,
    GatewayMetrics metrics,
    Transport transport) {}
