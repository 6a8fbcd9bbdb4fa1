package io.xclusterlink.kube.broker;

/**
 * One {@code GatewayExIp} as read from the broker and checked: its name, the peer it belongs to
 * (its {@value GatewayExIps#PEER_LABEL} label) and its spec.
 */
public record PublishedGateway(String name, String peer, GatewayExIpSpec spec) {}
