package io.xclusterlink.agent.config;

import java.time.Duration;

/**
 * How the agent judges the gateways it chooses among.
 *
 * @param port the UDP port every gateway's agent answers probes on (transit and overlay addresses)
 * @param interval time between two probes of one gateway
 * @param misses consecutive unanswered probes after which a gateway is down
 * @param hold how long a down gateway must answer every probe before it is up again
 */
public record ProbeConfig(int port, Duration interval, int misses, Duration hold) {
  /** 4799: next to VXLAN's 4789, not registered to anything the bed or a VPC uses. */
  public static final int DEFAULT_PORT = 4799;

  public static final ProbeConfig DEFAULTS =
      new ProbeConfig(DEFAULT_PORT, Duration.ofMillis(100), 3, Duration.ofSeconds(1));

  public ProbeConfig {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("probe.port: " + port + " (expected: 1-65535)");
    }
    if (interval.toMillis() < 10 || interval.toMillis() > 10_000) {
      throw new IllegalArgumentException(
          "probe.intervalMillis: " + interval.toMillis() + " (expected: 10-10000)");
    }
    if (misses < 1 || misses > 100) {
      throw new IllegalArgumentException("probe.misses: " + misses + " (expected: 1-100)");
    }
    if (hold.isNegative() || hold.toMillis() > 600_000) {
      throw new IllegalArgumentException(
          "probe.holdMillis: " + hold.toMillis() + " (expected: 0-600000)");
    }
  }
}
