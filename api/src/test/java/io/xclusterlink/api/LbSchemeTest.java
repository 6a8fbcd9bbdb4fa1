package io.xclusterlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import org.junit.jupiter.api.Test;

class LbSchemeTest {
  @Test
  void defaultsToRoundRobinWhenUnsetOrEmpty() {
    assertThat(LbScheme.parse(null)).isEqualTo(LbScheme.ROUND_ROBIN);
    assertThat(LbScheme.parse("")).isEqualTo(LbScheme.ROUND_ROBIN);
    assertThat(new Import.Spec(80, null, List.of(), null).scheme()).isEqualTo(LbScheme.ROUND_ROBIN);
  }

  @Test
  void parsesEverySchemeByItsYamlText() {
    assertThat(LbScheme.parse("round-robin")).isEqualTo(LbScheme.ROUND_ROBIN);
    assertThat(LbScheme.parse("random")).isEqualTo(LbScheme.RANDOM);
    assertThat(LbScheme.parse("static")).isEqualTo(LbScheme.STATIC);
    for (LbScheme s : LbScheme.values()) {
      assertThat(LbScheme.parse(s.text())).isEqualTo(s);
    }
  }

  @Test
  void rejectsUnknownSchemeListingTheChoices() {
    Throwable thrown = catchThrowable(() -> LbScheme.parse("RoundRobin"));

    assertThat(thrown)
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage("'RoundRobin' (expected one of: round-robin, random, static)");
  }
}
