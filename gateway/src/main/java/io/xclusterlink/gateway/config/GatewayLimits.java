package io.xclusterlink.gateway.config;

import java.time.Duration;

/**
 * What a gateway lets a stranger, or a misbehaving peer, cost it on the gateway port.
 *
 * @param preAuthConnections connections that have not completed the TLS handshake, all sources
 *     together; more are closed as soon as they are accepted. Also capped at a quarter of the
 *     process's file descriptor limit, so that the rest stays free for peers and their tunnels
 * @param preAuthConnectionsPerSource the same, per source IP address
 * @param handshakeTimeout a connection that has not completed its TLS handshake by then is closed
 * @param unansweredTunnelsPerConnection tunnel requests of one peer connection that may wait for
 *     their backend at once; more are refused (503) until some are answered
 * @param earlyResetsPerWindow tunnel requests a peer may reset before they were answered, per
 *     {@code earlyResetWindow}; above that its connection is closed with GOAWAY
 *     (ENHANCE_YOUR_CALM): the HTTP/2 "rapid reset" pattern, where each reset request still costs a
 *     backend dial
 * @param earlyResetWindow the window of {@code earlyResetsPerWindow}
 */
public record GatewayLimits(
    int preAuthConnections,
    int preAuthConnectionsPerSource,
    Duration handshakeTimeout,
    int unansweredTunnelsPerConnection,
    int earlyResetsPerWindow,
    Duration earlyResetWindow) {

  public GatewayLimits {
    positive("preAuthConnections", preAuthConnections);
    positive("preAuthConnectionsPerSource", preAuthConnectionsPerSource);
    positive("unansweredTunnelsPerConnection", unansweredTunnelsPerConnection);
    positive("earlyResetsPerWindow", earlyResetsPerWindow);
    if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "handshakeTimeout: " + handshakeTimeout + " (expected: > 0)");
    }
    if (earlyResetWindow == null || earlyResetWindow.isNegative() || earlyResetWindow.isZero()) {
      throw new IllegalArgumentException(
          "earlyResetWindow: " + earlyResetWindow + " (expected: > 0)");
    }
  }

  /**
   * 512 handshakes at once (64 per source address), 5 s to finish one, 1 024 tunnels waiting for
   * their backend per connection, 1 000 early resets per 10 s. A fabric's whole reconnect after a
   * certificate rotation (a few connections per peer, each handshake a few milliseconds) stays far
   * below these; a flood does not.
   */
  public static GatewayLimits defaults() {
    return new GatewayLimits(512, 64, Duration.ofSeconds(5), 1024, 1000, Duration.ofSeconds(10));
  }

  public GatewayLimits withPreAuth(int total, int perSource, Duration handshake) {
    return new GatewayLimits(
        total,
        perSource,
        handshake,
        unansweredTunnelsPerConnection,
        earlyResetsPerWindow,
        earlyResetWindow);
  }

  public GatewayLimits withStreams(int unanswered, int earlyResets, Duration window) {
    return new GatewayLimits(
        preAuthConnections,
        preAuthConnectionsPerSource,
        handshakeTimeout,
        unanswered,
        earlyResets,
        window);
  }

  private static void positive(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: >= 1)");
    }
  }
}
