/**
 * The agent driven by API objects: it learns its tunnel from the gateway's admin API (VpcNatTunnel,
 * Vpc, and every GatewayExIp, local and learned from peers), publishes its own node's GatewayExIp,
 * and reports the tunnel's status back.
 */
package io.xclusterlink.agent.objects;
