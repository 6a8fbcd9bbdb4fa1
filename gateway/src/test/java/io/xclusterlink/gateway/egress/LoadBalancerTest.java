package io.xclusterlink.gateway.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.Import;
import io.xclusterlink.api.LbScheme;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
  static final Import.Source S0 = new Import.Source("p0", "svc", "default");
  static final Import.Source S1 = new Import.Source("p1", "svc", "default");
  static final Import.Source S2 = new Import.Source("p2", "svc", "default");

  static Import.Spec spec(String scheme, Import.Source... s) {
    return new Import.Spec(80, 5000, List.of(s), scheme == null ? null : LbScheme.parse(scheme));
  }

  LoadBalancer lb = new LoadBalancer(1_000, new Random(42));

  private List<String> firsts(Import.Spec spec, int n, Set<String> reachable) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(lb.order(spec, reachable::contains, 0).get(0).peer());
    }
    return out;
  }

  @Test
  void roundRobinRotatesOverAllSources() {
    assertThat(firsts(spec(null, S0, S1, S2), 6, Set.of("p0", "p1", "p2")))
        .containsExactly("p0", "p1", "p2", "p0", "p1", "p2");
  }

  @Test
  void everyOrderContainsEverySourceOnce() {
    List<Import.Source> order = lb.order(spec("random", S0, S1, S2), p -> true, 0);
    assertThat(order).containsExactlyInAnyOrder(S0, S1, S2);
  }

  @Test
  void staticKeepsListOrder() {
    assertThat(lb.order(spec("static", S0, S1, S2), p -> true, 0)).containsExactly(S0, S1, S2);
  }

  @Test
  void sourcesOnUnreachablePeersAreTriedLast() {
    assertThat(lb.order(spec("static", S0, S1, S2), p -> !p.equals("p0"), 0))
        .containsExactly(S1, S2, S0);
  }

  @Test
  void failedSourceGoesLastUntilTheCoolDownEnds() {
    lb.failed(S1, 100);
    assertThat(lb.order(spec("static", S0, S1, S2), p -> true, 500)).containsExactly(S0, S2, S1);
    assertThat(firsts(spec(null, S0, S1, S2), 4, Set.of("p0", "p1", "p2"))).doesNotContain("p1");
    assertThat(lb.order(spec("static", S0, S1, S2), p -> true, 1_100)).containsExactly(S0, S1, S2);
  }

  @Test
  void roundRobinOverTheRestIsEvenWhenOneFailed() {
    lb.failed(S2, 0);
    Map<String, Integer> counts = new HashMap<>();
    for (String p : firsts(spec(null, S0, S1, S2), 20, Set.of("p0", "p1", "p2"))) {
      counts.merge(p, 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("p0", 10), Map.entry("p1", 10));
  }

  @Test
  void randomHitsEverySourceIn100Connections() {
    assertThat(Set.copyOf(firsts(spec("random", S0, S1, S2), 100, Set.of("p0", "p1", "p2"))))
        .containsExactlyInAnyOrder("p0", "p1", "p2");
  }

  @Test
  void weightsSkewRoundRobin() {
    Import.Source heavy = new Import.Source("p0", "svc", "default", 3);
    Map<String, Integer> counts = new HashMap<>();
    for (String p : firsts(spec(null, heavy, S1), 40, Set.of("p0", "p1"))) {
      counts.merge(p, 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("p0", 30), Map.entry("p1", 10));
  }
}
