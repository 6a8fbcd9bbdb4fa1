/**
 * The client side of gateway-to-gateway connections: a pool of mTLS HTTP/2 connections per peer,
 * tunnels and heartbeats over them.
 */
package io.xclusterlink.gateway.peer;
