package io.xclusterlink.kube.leader;

import java.time.Duration;

/**
 * How long a lease lasts, how long the leader may fail to renew it before it steps down, and how
 * often candidates try. A leader that dies without releasing its lease is replaced after at most
 * about {@code lease + retry}.
 */
public record LeaderTimings(Duration lease, Duration renewDeadline, Duration retry) {
  /** 10 s, 8 s, 2 s: a new leader within about 12 s of a crash, at once after a clean stop. */
  public static final LeaderTimings DEFAULT =
      new LeaderTimings(Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(2));
}
