package io.xclusterlink.kube.broker;

import io.xclusterlink.api.GatewayExIp;

/**
 * One {@code GatewayExIp} as read from the broker and checked: its name, the peer it belongs to
 * (its {@value GatewayExIp#PEER_LABEL} label) and its spec.
 */
public record PublishedGateway(String name, String peer, GatewayExIp.Spec spec) {}
