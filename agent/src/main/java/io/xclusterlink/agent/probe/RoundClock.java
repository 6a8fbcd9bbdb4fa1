package io.xclusterlink.agent.probe;

import java.time.Clock;
import java.time.Instant;

/**
 * When probe rounds end: on a grid of the wall clock with the probe interval's period, whose phase
 * every node derives from the gateways it chooses among, so that the nodes choosing among the same
 * gateways (VPC A's router and B's gateways all choose among A's) send their probes and close their
 * rounds at the same instants, as far as their clocks agree. A crash then makes them all miss the
 * same rounds and decide at the same moment, each on its own evidence, instead of up to one
 * interval apart as free-running rounds do; the down hints ({@link Prober#hint}) are left for the
 * node that missed one round more or fewer than the others (a reply in flight at the crash) or
 * whose clock is off. Nothing depends on the alignment being exact: a node whose clock is off by a
 * few milliseconds decides that much earlier or later, as it would with rounds of its own.
 *
 * <p>The phase ({@link #phase}) is a function of the two hash seeds of the tunnel ({@link
 * io.xclusterlink.agent.plan.HashSeed}), which the nodes already agree on: the two ways through a
 * tunnel probe half an interval apart, so a gateway does not answer the probes of one way in the
 * same instant as it sends its own for the other, and two tunnels' grids fall apart at random.
 *
 * <p>The boundaries are kept on the monotonic clock ({@link System#nanoTime}); the wall clock only
 * places them, read again every round: a wall clock stepped by NTP shifts the next boundary, never
 * to less than half an interval after the last one (a round that short would count a miss against
 * every gateway for a step of this node's clock), and a node that fell behind (a pause) starts
 * again at the next boundary, without a burst of rounds to catch up.
 */
public final class RoundClock {
  private final long intervalNanos;
  private final long phaseNanos;
  private final Clock wall;

  public RoundClock(long intervalNanos, long phaseNanos) {
    this(intervalNanos, phaseNanos, Clock.systemUTC());
  }

  RoundClock(long intervalNanos, long phaseNanos, Clock wall) {
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException(
          "probe interval: " + intervalNanos + " ns (expected: more than 0)");
    }
    this.intervalNanos = intervalNanos;
    this.phaseNanos = Math.floorMod(phaseNanos, intervalNanos);
    this.wall = wall;
  }

  /**
   * The phase of the rounds of a node whose hash seed is {@code mine}, when the nodes choosing the
   * other way through the tunnel have {@code other}: the two ways half an interval apart, the pair
   * placed by the smaller seed.
   */
  public static long phase(long mine, long other, long intervalNanos) {
    long base = Math.floorMod(Math.min(mine, other), intervalNanos);
    return mine > other ? base + intervalNanos / 2 : base;
  }

  /** The end of the round that starts now, after the one that ended at {@code previous}. */
  public long next(long previous) {
    Instant w = wall.instant();
    long mono = System.nanoTime();
    return next(
        previous,
        mono,
        w.getEpochSecond() * 1_000_000_000L + w.getNano(),
        intervalNanos,
        phaseNanos);
  }

  /**
   * The monotonic time of the next boundary: the next wall-clock time that is {@code phase} past a
   * multiple of {@code interval}, as read at monotonic time {@code mono} ({@code wallNanos},
   * nanoseconds of the epoch, read together with it), and at least half an interval after {@code
   * previous}.
   */
  static long next(long previous, long mono, long wallNanos, long interval, long phase) {
    long boundary = mono + (interval - Math.floorMod(wallNanos - phase, interval));
    while (boundary - previous < interval / 2) {
      boundary += interval;
    }
    return boundary;
  }
}
