/**
 * The broker client: publishes this peer's gateway addresses as a {@code GatewayExIp} in a shared
 * API server and turns the other peers' into broker-managed Peer objects in the local store.
 */
package io.xclusterlink.kube.broker;
