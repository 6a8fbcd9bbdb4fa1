package io.xclusterlink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepOutcomeTest {
  @Test
  void isAsExpectedWhenExactlyTheExpectedPeersAnsweredEveryConnection() {
    StepOutcome o =
        new StepOutcome(
            "step 2",
            Set.of("p1", "p2"),
            Arrays.asList("hello from p2", "hello from p1", "hello from p1"));

    assertThat(o.asExpected()).isTrue();
    assertThat(o.answeredBy()).containsExactly("p1", "p2");
    assertThat(o.difference()).isEmpty();
  }

  @Test
  void namesTheExtraPeerThatAnswered() {
    StepOutcome o =
        new StepOutcome(
            "step 2 (deny policy)",
            Set.of("p1", "p2"),
            Arrays.asList("hello from p3", "hello from p1"));

    assertThat(o.asExpected()).isFalse();
    assertThat(o.difference())
        .isEqualTo("step 2 (deny policy): expected answers from p1, p2, got p1, p3");
  }

  @Test
  void countsConnectionsThatGotNoAnswer() {
    StepOutcome o =
        new StepOutcome("step 3", Set.of("p1"), Arrays.asList("hello from p1", null, "garbage"));

    assertThat(o.asExpected()).isFalse();
    assertThat(o.unanswered()).isEqualTo(2);
    assertThat(o.difference())
        .isEqualTo("step 3: expected answers from p1, got p1 and 2 of 3 connections unanswered");
  }

  @Test
  void saysNoneWhenNobodyAnswered() {
    StepOutcome o = new StepOutcome("step 1", Set.of("p1"), Arrays.asList((String) null));

    assertThat(o.difference())
        .isEqualTo("step 1: expected answers from p1, got none and 1 of 1 connections unanswered");
  }
}
