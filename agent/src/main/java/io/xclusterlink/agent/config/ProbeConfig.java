package io.xclusterlink.agent.config;

import java.time.Duration;

/**
 * How the agent judges the gateways it chooses among.
 *
 * <p>The defaults (a probe every 50 ms, down after 3 silent rounds, up after 1 s of answers) put a
 * dead gateway out of every group 150-200 ms after its last answer, inside the 300 ms loss-window
 * target with room for the apply and a loaded host; a gateway is judged down only on silence, not
 * on lateness (a reply up to {@code Prober.LATE_ROUNDS} rounds late still counts), so a host
 * stalled for less than about 150 ms does not make it flap. The hold is not shortened with the
 * interval: coming back is not urgent (a re-added gateway takes only idle buckets, no active flow
 * moves to it), and 20 unbroken rounds keep a lossy gateway from bouncing in and out.
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
      new ProbeConfig(DEFAULT_PORT, Duration.ofMillis(50), 3, Duration.ofSeconds(1));

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
