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
    for (int i = 0; i < 6; i++) { // its only gateway: twice the misses (see the hold-off test)
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
    HealthTracker t = new HealthTracker(List.of("g", "h"), 1, 500 * MS, 0);
    for (long now = 100 * MS; now < 500 * MS; now += 100 * MS) {
      t.answered("h", now - MS);
      assertThat(t.endRound(now)).isEmpty();
    }
    t.answered("h", 499 * MS);
    assertThat(t.endRound(500 * MS))
        .singleElement()
        .extracting(HealthTracker.Transition::health)
        .isEqualTo(Health.DOWN);
  }

  @Test
  void anAnswerForAnUnknownGatewayOrASecondAnswerInARoundChangesNothing() {
    HealthTracker t = new HealthTracker(List.of("g", "h"), 1, 0, 0);
    t.answered("stranger", 1);
    t.answered("g", 2);
    t.answered("g", 3);
    t.answered("h", 4);
    assertThat(t.endRound(10)).isEmpty();
    t.answered("h", 14);
    assertThat(t.endRound(20))
        .singleElement()
        .extracting(HealthTracker.Transition::since)
        .isEqualTo(2L);
  }

  @Test
  void withTheDefaultsASilentGatewayIsDown150To200MsAfterItsLastAnswer() {
    ProbeConfig d = ProbeConfig.DEFAULTS;
    long interval = d.interval().toNanos();
    HealthTracker t = new HealthTracker(List.of("g", "h"), d.misses(), d.hold().toNanos(), 0);
    long now = d.hold().toNanos(); // past the grace
    long lastAnswer = 0;
    // it dies at a different point of a round each time: always down 3-4 rounds after its answer
    for (long offset = 0; offset < interval; offset += interval / 5) {
      while (t.health().get("g") == Health.DOWN) {
        t.answered("g", now + MS);
        t.answered("h", now + MS);
        t.endRound(now += interval);
      }
      t.answered("g", lastAnswer = now + offset);
      t.answered("h", now + offset);
      t.endRound(now += interval);
      List<HealthTracker.Transition> down = List.of();
      while (down.isEmpty()) {
        t.answered("h", now + MS); // the other gateway keeps answering
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

  @Test
  void whenEveryGatewayStillUpFallsSilentAtOnceTheyStayUpForTwiceTheMisses() {
    HealthTracker t = new HealthTracker(List.of("g1", "g2", "g3"), 3, 1000 * MS, -1000 * MS);
    long now = 0;
    // g1 dies: down after 3 silent rounds, as usual
    for (int round = 1; round <= 3; round++) {
      t.answered("g2", now + MS);
      t.answered("g3", now + MS);
      List<HealthTracker.Transition> tr = t.endRound(now += 50 * MS);
      assertThat(tr).hasSize(round == 3 ? 1 : 0);
    }
    assertThat(t.health()).containsEntry("g1", Health.DOWN);
    // then this node stalls: g2 and g3 are silent together for 5 rounds (250 ms), then answer
    for (int round = 1; round <= 5; round++) {
      assertThat(t.endRound(now += 50 * MS)).as("silent round %d", round).isEmpty();
    }
    t.answered("g2", now + MS);
    t.answered("g3", now + MS);
    assertThat(t.endRound(now += 50 * MS)).isEmpty();
    assertThat(t.health())
        .containsEntry("g1", Health.DOWN)
        .containsEntry("g2", Health.UP)
        .containsEntry("g3", Health.UP);
    // silent together for 6 rounds: both down (then the group keeps every member, ADR 0007)
    List<HealthTracker.Transition> down = List.of();
    int rounds = 0;
    while (down.isEmpty()) {
      rounds++;
      down = t.endRound(now += 50 * MS);
    }
    assertThat(rounds).isEqualTo(6);
    assertThat(down).extracting(HealthTracker.Transition::gateway).containsExactly("g2", "g3");
  }

  @Test
  void aHintIsTakenOnlyWhenThisNodesOwnProbesAgree() {
    HealthTracker t =
        new HealthTracker(List.of("g1", "g2"), 3, 1000 * MS, -1000 * MS); // grace over at 0
    long now = 0;
    t.answered("g1", now += 10 * MS);
    t.answered("g2", now += 1 * MS);
    t.endRound(now += 40 * MS);
    assertThat(t.hinted("g1", now += 1 * MS)).as("g1 answered every round so far").isNull();
    t.answered("g2", now += 10 * MS);
    t.endRound(now += 40 * MS); // g1's first miss
    t.answered("g1", now += 1 * MS); // a late answer in the current round
    assertThat(t.hinted("g1", now += 1 * MS)).as("it answered in this round").isNull();
    t.endRound(now += 40 * MS); // g1 answered: misses back to 0; g2's first miss
    t.answered("g2", now += 10 * MS);
    t.endRound(now += 40 * MS); // g1: one miss again
    HealthTracker.Transition down = t.hinted("g1", now += 1 * MS);
    assertThat(down).isNotNull();
    assertThat(down.health()).isEqualTo(Health.DOWN);
    assertThat(down.hinted()).isTrue();
    assertThat(down.at()).isEqualTo(now);
    assertThat(t.health()).containsEntry("g1", Health.DOWN).containsEntry("g2", Health.UP);
    assertThat(t.hinted("g1", now)).as("already down").isNull();
    t.answered("g2", now += 10 * MS);
    assertThat(t.endRound(now += 40 * MS)).as("no second transition at the round's end").isEmpty();
  }

  @Test
  void aHintNeverTakesDownTheLastGatewayUpNorCountsDuringTheStartGrace() {
    HealthTracker t = new HealthTracker(List.of("g1", "g2"), 3, 1000 * MS, 0); // grace until 1 s
    long now = 0;
    for (int i = 0; i < 3; i++) {
      t.answered("g2", now += 10 * MS);
      t.endRound(now += 40 * MS);
    }
    assertThat(t.hinted("g1", now)).as("misses are not counted during the grace").isNull();
    now = 2000 * MS;
    for (int i = 0; i < 2; i++) {
      t.endRound(now += 50 * MS); // both silent
    }
    HealthTracker.Transition first = t.hinted("g1", now);
    assertThat(first).isNotNull();
    assertThat(t.hinted("g2", now)).as("the last one up").isNull();
    assertThat(t.hinted("unknown", now)).isNull();
  }

  @Test
  void aGatewayRestartingItsAgentIsGivenItsHoldAndOnlyThat() {
    HealthTracker t =
        new HealthTracker(List.of("g1", "g2"), 3, 1000 * MS, -1000 * MS); // grace over at 0
    long now = 0;
    t.answered("g1", now += 10 * MS);
    t.answered("g2", now += 1 * MS);
    t.endRound(now += 40 * MS);
    assertThat(t.restarting("g1", now, 500 * MS)).isTrue();
    for (int i = 0; i < 9; i++) { // 450 ms of silence inside the hold: no miss counts
      t.answered("g2", now += 10 * MS);
      assertThat(t.endRound(now += 40 * MS)).isEmpty();
    }
    for (int i = 0; i < 3; i++) { // then its silence counts again: down after 3 misses
      t.answered("g2", now += 10 * MS);
      t.endRound(now += 40 * MS);
    }
    assertThat(t.health()).containsEntry("g1", Health.DOWN).containsEntry("g2", Health.UP);
    assertThat(t.restarting("g1", now, 500 * MS)).as("already down").isFalse();
    t.endRound(now += 50 * MS); // g2's first miss
    assertThat(t.restarting("g2", now, 500 * MS)).as("already missing rounds").isFalse();
  }

  @Test
  void aRestartedGatewayThatAnswersAgainIsJudgedNormallyFromThen() {
    HealthTracker t =
        new HealthTracker(List.of("g1", "g2"), 3, 1000 * MS, -1000 * MS); // grace over at 0
    long now = 0;
    t.answered("g1", now += 10 * MS);
    t.answered("g2", now += 1 * MS);
    t.endRound(now += 40 * MS);
    assertThat(t.restarting("g1", now, 5000 * MS)).isTrue();
    t.answered("g2", now += 10 * MS);
    t.endRound(now += 40 * MS);
    t.answered("g1", now += 5 * MS); // back after 50 ms: the hold ends here
    t.answered("g2", now += 5 * MS);
    t.endRound(now += 40 * MS);
    for (int i = 0; i < 3; i++) {
      t.answered("g2", now += 10 * MS);
      t.endRound(now += 40 * MS);
    }
    assertThat(t.health()).as("3 misses after it came back").containsEntry("g1", Health.DOWN);
  }
}
