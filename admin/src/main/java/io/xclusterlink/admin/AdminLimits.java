package io.xclusterlink.admin;

import java.time.Duration;

/**
 * What one admin connection may cost, per listener.
 *
 * @param maxBody the largest request body in bytes (413 beyond it)
 * @param requestTimeout time to receive a complete request once its first byte arrived (and to
 *     finish the TLS handshake); the connection is closed when it runs out
 * @param idleTimeout a connection that reads and writes nothing this long is closed
 * @param maxConnections admin connections open at once; more are closed at accept
 */
public record AdminLimits(
    int maxBody, Duration requestTimeout, Duration idleTimeout, int maxConnections) {
  /**
   * 4 MiB (an apply of 3 500 AccessPolicies is about 1.3 MiB of YAML), 10 s, 60 s, 64 connections.
   */
  public static final AdminLimits DEFAULT =
      new AdminLimits(4 << 20, Duration.ofSeconds(10), Duration.ofSeconds(60), 64);
}
