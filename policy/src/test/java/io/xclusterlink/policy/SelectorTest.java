package io.xclusterlink.policy;

import static io.xclusterlink.policy.Policies.ALL;
import static io.xclusterlink.policy.Policies.expr;
import static io.xclusterlink.policy.Policies.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xclusterlink.api.PolicySpec.LabelSelector;
import io.xclusterlink.api.PolicySpec.Requirement;
import io.xclusterlink.api.SelectorOperator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {
  private static final String NAME = AttributeKeys.PEER_NAME;
  private static final String ENV = AttributeKeys.PEER_LABEL_PREFIX + "env";

  @Test
  void emptySelectorMatchesEverything() {
    Selector s = Selector.compile(ALL);
    assertThat(s.matchesEverything()).isTrue();
    assertThat(s.matches(Map.of())).isTrue();
    assertThat(s.matches(Map.of(NAME, "p1", ENV, "prod"))).isTrue();
    assertThat(s.matches(null)).isTrue();
  }

  @Test
  void nonEmptySelectorDoesNotClaimToMatchEverything() {
    assertThat(Selector.compile(labels(NAME, "p1")).matchesEverything()).isFalse();
    assertThat(Selector.compile(expr(ENV, "NotIn", "x")).matchesEverything()).isFalse();
  }

  @Test
  void matchLabelsRequiresEveryKeyWithItsValue() {
    Selector s = Selector.compile(labels(NAME, "p1", ENV, "prod"));
    assertThat(s.matches(Map.of(NAME, "p1", ENV, "prod", "other", "x"))).isTrue();
    assertThat(s.matches(Map.of(NAME, "p1", ENV, "dev"))).isFalse();
    assertThat(s.matches(Map.of(NAME, "p1"))).isFalse();
    assertThat(s.matches(Map.of())).isFalse();
  }

  @Test
  void inMatchesWhenValueIsListed() {
    Selector s = Selector.compile(expr(ENV, "In", "prod", "staging"));
    assertThat(s.matches(Map.of(ENV, "prod"))).isTrue();
    assertThat(s.matches(Map.of(ENV, "staging"))).isTrue();
    assertThat(s.matches(Map.of(ENV, "dev"))).isFalse();
  }

  @Test
  void inDoesNotMatchAnAbsentKey() {
    assertThat(Selector.compile(expr(ENV, "In", "prod")).matches(Map.of(NAME, "p1"))).isFalse();
  }

  @Test
  void inWithManyValuesMatchesLikeWithFew() {
    String[] values = new String[20];
    for (int i = 0; i < values.length; i++) {
      values[i] = "v" + i;
    }
    Selector s = Selector.compile(expr(ENV, "In", values));
    assertThat(s.matches(Map.of(ENV, "v19"))).isTrue();
    assertThat(s.matches(Map.of(ENV, "v20"))).isFalse();
    Selector n = Selector.compile(expr(ENV, "NotIn", values));
    assertThat(n.matches(Map.of(ENV, "v0"))).isFalse();
    assertThat(n.matches(Map.of(ENV, "v20"))).isTrue();
  }

  @Test
  void notInMatchesWhenValueIsNotListed() {
    Selector s = Selector.compile(expr(ENV, "NotIn", "prod"));
    assertThat(s.matches(Map.of(ENV, "dev"))).isTrue();
    assertThat(s.matches(Map.of(ENV, "prod"))).isFalse();
  }

  @Test
  void notInMatchesWhenKeyIsAbsent() {
    assertThat(Selector.compile(expr(ENV, "NotIn", "prod")).matches(Map.of(NAME, "p1"))).isTrue();
    assertThat(Selector.compile(expr(ENV, "NotIn", "prod")).matches(Map.of())).isTrue();
  }

  @Test
  void existsMatchesOnlyWhenKeyIsPresent() {
    Selector s = Selector.compile(expr(ENV, "Exists"));
    assertThat(s.matches(Map.of(ENV, "anything"))).isTrue();
    assertThat(s.matches(Map.of(ENV, ""))).isTrue();
    assertThat(s.matches(Map.of(NAME, "p1"))).isFalse();
  }

  @Test
  void doesNotExistMatchesOnlyWhenKeyIsAbsent() {
    Selector s = Selector.compile(expr(ENV, "DoesNotExist"));
    assertThat(s.matches(Map.of(NAME, "p1"))).isTrue();
    assertThat(s.matches(Map.of(ENV, "prod"))).isFalse();
  }

  @Test
  void labelsAndExpressionsMustAllMatch() {
    Selector s =
        Selector.compile(
            new LabelSelector(
                Map.of(NAME, "p1"),
                List.of(
                    new Requirement(ENV, SelectorOperator.IN, List.of("prod", "staging")),
                    new Requirement("tier", SelectorOperator.DOES_NOT_EXIST, List.of()))));
    assertThat(s.matches(Map.of(NAME, "p1", ENV, "prod"))).isTrue();
    assertThat(s.matches(Map.of(NAME, "p2", ENV, "prod"))).isFalse();
    assertThat(s.matches(Map.of(NAME, "p1", ENV, "dev"))).isFalse();
    assertThat(s.matches(Map.of(NAME, "p1", ENV, "prod", "tier", "x"))).isFalse();
  }

  @Test
  void rejectsMissingOperatorListingTheChoices() {
    LabelSelector noOperator =
        new LabelSelector(Map.of(), List.of(new Requirement(ENV, null, List.of("x"))));
    assertThatThrownBy(() -> Selector.compile(noOperator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "matchExpressions[0].operator: missing (expected one of: In, NotIn, Exists, DoesNotExist)");
  }

  @Test
  void rejectsInWithoutValuesAndExistsWithValues() {
    assertThatThrownBy(() -> Selector.compile(expr(ENV, "In")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one value for In");
    assertThatThrownBy(() -> Selector.compile(expr(ENV, "Exists", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no values for Exists");
  }

  @Test
  void rejectsMissingSelector() {
    assertThatThrownBy(() -> Selector.compile(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesItselfInKubernetesSelectorSyntax() {
    Selector s =
        Selector.compile(
            new LabelSelector(
                Map.of("b", "2", "a", "1"),
                List.of(
                    new Requirement("c", SelectorOperator.NOT_IN, List.of("x")),
                    new Requirement("d", SelectorOperator.EXISTS, null))));
    assertThat(s).hasToString("{a=1, b=2, c notin (x), d}");
  }
}
