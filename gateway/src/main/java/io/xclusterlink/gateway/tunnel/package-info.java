/**
 * The gateway-to-gateway protocol: HTTP/2 over mutual TLS, one stream per tunnel
 * (docs/protocol.md).
 */
package io.xclusterlink.gateway.tunnel;
