/**
 * The agent driven by API objects: it learns its tunnel from the gateway's admin API (VpcNatTunnel,
 * Vpc, and every GatewayExIp, local and learned from peers), publishes its own node's GatewayExIp,
 * reports the tunnel's status back, and pushes its metrics to the gateway.
 */
package io.xclusterlink.agent.objects;
