package io.xclusterlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTest {
  private static final String LONG_AGO = "2020-01-01T00:00:00Z";

  private static Status reachableSince(String time) {
    return new Status(
        List.of(new Condition(Condition.PEER_REACHABLE, "True", "HeartbeatOk", "ok", time)),
        Map.of("region", "eu"));
  }

  @Test
  void keepsLastTransitionTimeWhenTheValueDoesNotChange() {
    Status next =
        reachableSince(LONG_AGO)
            .withCondition(Condition.PEER_REACHABLE, true, "StillOk", "answered again");

    Condition c = next.condition(Condition.PEER_REACHABLE).orElseThrow();
    assertThat(c.lastTransitionTime()).isEqualTo(LONG_AGO);
    assertThat(c.reason()).isEqualTo("StillOk");
    assertThat(c.message()).isEqualTo("answered again");
    assertThat(c.isTrue()).isTrue();
  }

  @Test
  void updatesLastTransitionTimeWhenTheValueFlips() {
    Instant before = Instant.now();

    Status next =
        reachableSince(LONG_AGO)
            .withCondition(Condition.PEER_REACHABLE, false, "HeartbeatFailed", "5 failures");

    Condition c = next.condition(Condition.PEER_REACHABLE).orElseThrow();
    assertThat(c.status()).isEqualTo("False");
    assertThat(c.isTrue()).isFalse();
    assertThat(Instant.parse(c.lastTransitionTime())).isAfterOrEqualTo(before);
  }

  @Test
  void stampsANewConditionWithTheCurrentTime() {
    Instant before = Instant.now();

    Condition c =
        Status.EMPTY
            .withCondition(Condition.EXPORT_VALID, false, "ServiceNotFound", "service prod/db")
            .condition(Condition.EXPORT_VALID)
            .orElseThrow();

    assertThat(c)
        .extracting(Condition::type, Condition::status, Condition::reason, Condition::message)
        .containsExactly(Condition.EXPORT_VALID, "False", "ServiceNotFound", "service prod/db");
    assertThat(Instant.parse(c.lastTransitionTime())).isAfterOrEqualTo(before);
  }

  @Test
  void replacesOnlyTheNamedConditionAndKeepsLabels() {
    Status next =
        reachableSince(LONG_AGO)
            .withCondition(Condition.IMPORT_TARGET_PORT_VALID, true, "Allocated", "port 1024")
            .withCondition(Condition.IMPORT_TARGET_PORT_VALID, false, "Conflict", "held by a/b");

    assertThat(next.conditions())
        .extracting(Condition::type)
        .containsExactly(Condition.PEER_REACHABLE, Condition.IMPORT_TARGET_PORT_VALID);
    assertThat(next.condition(Condition.PEER_REACHABLE).orElseThrow().lastTransitionTime())
        .isEqualTo(LONG_AGO);
    assertThat(next.condition(Condition.IMPORT_TARGET_PORT_VALID).orElseThrow().message())
        .isEqualTo("held by a/b");
    assertThat(next.labels()).containsExactly(Map.entry("region", "eu"));
  }

  @Test
  void toleratesConditionsReadWithoutTypeOrStatus() {
    Status odd = new Status(List.of(new Condition(null, null, "r", "m", LONG_AGO)), Map.of());

    Status next = odd.withCondition(Condition.PEER_REACHABLE, true, "Ok", "ok");

    assertThat(next.conditions()).hasSize(2);
    assertThat(next.condition(Condition.PEER_REACHABLE)).isPresent();
  }

  @Test
  void replacesLabelsWithoutTouchingConditions() {
    Status next = reachableSince(LONG_AGO).withLabels(Map.of("region", "us"));

    assertThat(next.labels()).containsExactly(Map.entry("region", "us"));
    assertThat(next.conditions()).isEqualTo(reachableSince(LONG_AGO).conditions());
  }

  @Test
  void objectsWithoutStatusGetTheEmptyStatus() {
    assertThat(SampleObjects.peer().status()).isSameAs(Status.EMPTY);
    assertThat(Status.EMPTY.condition(Condition.PEER_REACHABLE)).isEmpty();
  }
}
