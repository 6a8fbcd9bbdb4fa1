package io.xclusterlink.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Where probe rounds end: on a wall-clock grid, whatever each node's monotonic clock reads. */
class RoundClockTest {
  private static final long MS = 1_000_000L;
  private static final long INTERVAL = 50 * MS;
  private static final long EPOCH_SECOND = 1_764_000_000L * 1000 * MS;

  @Test
  void twoNodesWithDifferentMonotonicClocksEndTheirRoundsAtTheSameWallInstant() {
    long wall = EPOCH_SECOND + 123 * MS + 400_000;
    // the same wall instant on two hosts whose monotonic clocks started at different times
    long monoA = 5_000 * MS;
    long monoB = 987_654 * MS + 321;
    long a = RoundClock.next(monoA - INTERVAL, monoA, wall, INTERVAL, 0);
    long b = RoundClock.next(monoB - INTERVAL, monoB, wall, INTERVAL, 0);
    // 150 ms past the second is the next multiple of 50 ms: 26.6 ms from now on both
    assertThat(a - monoA).isEqualTo(26_600_000L);
    assertThat(b - monoB).isEqualTo(26_600_000L);
  }

  @Test
  void thePhaseShiftsTheGrid() {
    long wall = EPOCH_SECOND + 123 * MS + 400_000;
    long mono = 5_000 * MS;
    // phase 30 ms: boundaries at 130, 180 ... ms past the second
    assertThat(RoundClock.next(mono - INTERVAL, mono, wall, INTERVAL, 30 * MS) - mono)
        .isEqualTo(6_600_000L);
  }

  @Test
  void successiveRoundsAreOneIntervalApartWhileTheClocksRunTogether() {
    long mono = 42 * MS;
    long wall = EPOCH_SECOND + 7 * MS;
    long boundary = RoundClock.next(mono, mono, wall, INTERVAL, 0);
    assertThat(boundary - mono).isEqualTo(43 * MS);
    for (int i = 0; i < 5; i++) {
      // the loop asks again a little after the boundary, once the round is judged
      long late = 300_000;
      long next =
          RoundClock.next(boundary, boundary + late, wall + (boundary - mono) + late, INTERVAL, 0);
      assertThat(next - boundary).isEqualTo(INTERVAL);
      boundary = next;
    }
  }

  @Test
  void aRoundIsNeverShorterThanHalfAnInterval() {
    long previous = 100 * MS;
    // the wall clock says a boundary is 10 ms away, 5 ms after the previous one (a clock step)
    long mono = previous - 5 * MS;
    long wall = EPOCH_SECOND + 40 * MS;
    long boundary = RoundClock.next(previous, mono, wall, INTERVAL, 0);
    assertThat(boundary - mono).isEqualTo(60 * MS); // the boundary after, 55 ms after the previous
    assertThat(boundary - previous).isGreaterThanOrEqualTo(INTERVAL / 2);
  }

  @Test
  void aNodeThatFellBehindStartsAgainAtTheNextBoundaryWithoutABurst() {
    long previous = 100 * MS;
    long mono = previous + 730 * MS; // paused for 14 rounds and more
    long wall = EPOCH_SECOND + 12 * MS;
    assertThat(RoundClock.next(previous, mono, wall, INTERVAL, 0) - mono).isEqualTo(38 * MS);
  }

  @Test
  void theBoundaryIsAlwaysAhead() {
    long mono = 77 * MS;
    assertThat(RoundClock.next(mono - INTERVAL, mono, EPOCH_SECOND, INTERVAL, 0))
        .isEqualTo(mono + INTERVAL);
  }

  @Test
  void theTwoWaysThroughATunnelProbeHalfAnIntervalApart() {
    long seedA = 3_141_592_653L;
    long seedB = 2_718_281_828L;
    long a = RoundClock.phase(seedA, seedB, INTERVAL);
    long b = RoundClock.phase(seedB, seedA, INTERVAL);
    assertThat(a - b).isEqualTo(INTERVAL / 2);
    assertThat(b).isEqualTo(Math.floorMod(seedB, INTERVAL));
    // the nodes of one way agree: the phase is a function of the two seeds alone
    assertThat(RoundClock.phase(seedA, seedB, INTERVAL)).isEqualTo(a);
  }

  @Test
  void readsTheWallClockItIsGiven() {
    Clock fixed = Clock.fixed(Instant.ofEpochSecond(1_764_000_000L, 30 * MS), ZoneOffset.UTC);
    RoundClock rounds = new RoundClock(INTERVAL, 10 * MS, fixed);
    long before = System.nanoTime();
    long boundary = rounds.next(before - INTERVAL);
    long after = System.nanoTime();
    // 30 ms to 60 ms past the second, counted from a monotonic reading between before and after
    assertThat(boundary).isBetween(before + 30 * MS, after + 30 * MS);
  }

  @Test
  void refusesANonPositiveInterval() {
    assertThatThrownBy(() -> new RoundClock(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probe interval: 0 ns (expected: more than 0)");
  }
}
