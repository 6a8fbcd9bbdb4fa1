package io.xclusterlink.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.agent.config.ProbeConfig;
import io.xclusterlink.agent.plan.Health;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
  private static final long MS = 1_000_000;

  @Test
  void startsUpAndGoesDownAfterThreeMissedRoundsOnly() {
    HealthTracker t =
        new HealthTracker(List.of("g1", "g2"), 3, 1000 * MS, -1000 * MS); // grace over at 0
    assertThat(t.health()).containsEntry("g1", Health.UP).containsEntry("g2", Health.UP);
    long now = 0;
    for (int round = 1; round <= 2; round++) {
      t.answered("g1", now += 10 * MS);
      assertThat(t.endRound(now += 90 * MS)).isEmpty();
    }
    t.answered("g1", now += 10 * MS);
    List<HealthTracker.Transition> third = t.endRound(now += 90 * MS);
    assertThat(third)
        .singleElement()
        .satisfies(
            tr -> {
              assertThat(tr.gateway()).isEqualTo("g2");
              assertThat(tr.health()).isEqualTo(Health.DOWN);
              assertThat(tr.since())
                  .as("the last answer: none since the start")
                  .isEqualTo(-1000 * MS);
            });
    assertThat(t.endRound(now += 100 * MS)).as("no second transition").isEmpty();
  }

  @Test
  void comesBackOnlyAfterAnsweringEveryRoundForTheHoldTime() {
    HealthTracker t = new HealthTracker(List.of("g"), 3, 1000 * MS, -1000 * MS); // grace over at 0
    long now = 0;
    for (int i = 0; i < 3; i++) {
      t.endRound(now += 100 * MS);
    }
    assertThat(t.health()).containsEntry("g", Health.DOWN);
    // answers for 0.5 s, one miss, then answers again: the hold starts over
    for (int i = 0; i < 5; i++) {
      t.answered("g", now += 5 * MS);
      assertThat(t.endRound(now += 95 * MS)).isEmpty();
    }
    t.endRound(now += 100 * MS);
    long streak = now + 5 * MS;
    List<HealthTracker.Transition> up = List.of();
    while (up.isEmpty()) {
      t.answered("g", now += 5 * MS);
      up = t.endRound(now += 95 * MS);
    }
    assertThat(up.get(0).health()).isEqualTo(Health.UP);
    assertThat(now - streak).isBetween(1000 * MS, 1100 * MS);
    assertThat(t.settled(now)).isTrue();
  }

  @Test
  void countsNoMissDuringTheFirstHoldTime() {
    HealthTracker t = new HealthTracker(List.of("g"), 1, 500 * MS, 0);
    for (long now = 100 * MS; now < 500 * MS; now += 100 * MS) {
      assertThat(t.endRound(now)).isEmpty();
    }
    assertThat(t.endRound(500 * MS))
        .singleElement()
        .extracting(HealthTracker.Transition::health)
        .isEqualTo(Health.DOWN);
  }

  @Test
  void anAnswerForAnUnknownGatewayOrASecondAnswerInARoundChangesNothing() {
    HealthTracker t = new HealthTracker(List.of("g"), 1, 0, 0);
    t.answered("stranger", 1);
    t.answered("g", 2);
    t.answered("g", 3);
    assertThat(t.endRound(10)).isEmpty();
    assertThat(t.endRound(20))
        .singleElement()
        .extracting(HealthTracker.Transition::since)
        .isEqualTo(2L);
  }

  @Test
  void withTheDefaultsASilentGatewayIsDown150To200MsAfterItsLastAnswer() {
    ProbeConfig d = ProbeConfig.DEFAULTS;
    long interval = d.interval().toNanos();
    HealthTracker t = new HealthTracker(List.of("g"), d.misses(), d.hold().toNanos(), 0);
    long now = d.hold().toNanos(); // past the grace
    long lastAnswer = 0;
    // it dies at a different point of a round each time: always down 3-4 rounds after its answer
    for (long offset = 0; offset < interval; offset += interval / 5) {
      while (t.health().get("g") == Health.DOWN) {
        t.answered("g", now + 1_000_000);
        t.endRound(now += interval);
      }
      t.answered("g", lastAnswer = now + offset);
      t.endRound(now += interval);
      List<HealthTracker.Transition> down = List.of();
      while (down.isEmpty()) {
        down = t.endRound(now += interval);
      }
      assertThat(down.get(0).since()).isEqualTo(lastAnswer);
      assertThat(down.get(0).at() - lastAnswer).isBetween(150 * MS, 200 * MS);
    }
  }

  @Test
  void aGatewayThatMissesTwoRoundsInEveryThreeStaysUp() {
    HealthTracker t = new HealthTracker(List.of("g"), 3, 1000 * MS, -1000 * MS);
    long now = 0;
    for (int round = 0; round < 60; round++) {
      if (round % 3 == 0) {
        t.answered("g", now + MS);
      }
      assertThat(t.endRound(now += 50 * MS)).isEmpty();
    }
  }
}
