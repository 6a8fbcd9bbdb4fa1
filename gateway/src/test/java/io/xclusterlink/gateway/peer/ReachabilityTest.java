package io.xclusterlink.gateway.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReachabilityTest {
  Reachability r = new Reachability(5, 3);

  @Test
  void startsUnreachableWithAReason() {
    assertThat(r.reachable()).isFalse();
    assertThat(r.reason()).isEqualTo("NeverAnswered");
    assertThat(r.message()).isNotBlank();
  }

  @Test
  void firstAnswerMakesAFreshPeerReachable() {
    assertThat(r.success("a:1")).isTrue();
    assertThat(r.reachable()).isTrue();
  }

  @Test
  void fiveFailuresFlipDownAndThreeSuccessesFlipBack() {
    r.success("a:1");
    for (int i = 0; i < 4; i++) {
      assertThat(r.failure("refused")).isFalse();
    }
    assertThat(r.reachable()).isTrue();
    assertThat(r.failure("refused")).isTrue();
    assertThat(r.reachable()).isFalse();
    assertThat(r.reason()).isEqualTo("HeartbeatFailed");
    assertThat(r.success("a:1")).isFalse();
    assertThat(r.success("a:1")).isFalse();
    assertThat(r.success("a:1")).isTrue();
    assertThat(r.reachable()).isTrue();
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    r.success("a:1");
    for (int i = 0; i < 4; i++) {
      r.failure("x");
    }
    r.success("a:1");
    for (int i = 0; i < 4; i++) {
      r.failure("x");
    }
    assertThat(r.reachable()).isTrue();
  }
}
