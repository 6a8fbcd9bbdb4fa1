package io.xclusterlink.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.KernelObject.Sysctl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner's invariants over random two-cluster topologies (see {@link RandomTopologies}), 300
 * of them per invariant; a failure names its seed, which reproduces it.
 */
class PlanPropertiesTest {
  static LongStream seeds() {
    return new Random(20261202L).longs(300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void desiredStateDoesNotDependOnInputOrder(long seed) {
    Random rnd = new Random(seed);
    TwoClusters t = RandomTopologies.random(rnd);
    Tunnel a = t.forA();
    Tunnel shuffled =
        new Tunnel(
            a.vxlan(),
            a.transitDevice(),
            a.routerTransit(),
            shuffle(a.localPrefixes(), rnd),
            shuffle(a.remotePrefixes(), rnd),
            shuffle(a.localGateways(), rnd),
            shuffle(a.remoteGateways(), rnd),
            a.overlap() instanceof Overlap.Translated tr
                ? new Overlap.Translated(tr.globalSpace(), shuffle(tr.translations(), rnd))
                : a.overlap());
    for (Node node : nodes(t.aNames())) {
      // a restart recomputes from scratch: the same ids, seed and objects, whatever the order
      assertThat(Plan.desired(node, shuffled)).as("%s", node).isEqualTo(Plan.desired(node, a));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void losingOrRevivingAGatewayReplacesOnlyTheGroupsChoosingAmongIt(long seed) {
    Random rnd = new Random(seed);
    TwoClusters before = RandomTopologies.random(rnd);
    boolean sideA = rnd.nextBoolean();
    List<String> names = sideA ? before.aNames() : before.bNames();
    String name = names.get(rnd.nextInt(names.size()));
    Health was = (sideA ? before.aHealth() : before.bHealth()).get(names.indexOf(name));
    TwoClusters after = before.withHealth(sideA, name, was == Health.UP ? Health.DOWN : Health.UP);

    // the router of the gateway's side and every gateway of the other side choose among it
    List<List<Change>> choosing = new ArrayList<>();
    choosing.add(
        diff(
            new Node.VpcRouter(),
            sideA ? after.forA() : after.forB(),
            sideA ? before.forA() : before.forB()));
    for (Node gw : gateways(sideA ? before.bNames() : before.aNames())) {
      choosing.add(
          diff(gw, sideA ? after.forB() : after.forA(), sideA ? before.forB() : before.forA()));
    }
    for (List<Change> changes : choosing) {
      assertThat(changes).isEqualTo(choosing.get(0));
      assertThat(changes)
          .hasSizeLessThanOrEqualTo(1)
          .allSatisfy(
              c ->
                  assertThat(c)
                      .isInstanceOfSatisfying(
                          Change.Replace.class,
                          r -> assertThat(r.object()).isInstanceOf(ResilientGroup.class)));
    }
    // nobody else changes at all
    assertThat(
            diff(
                new Node.VpcRouter(),
                sideA ? after.forB() : after.forA(),
                sideA ? before.forB() : before.forA()))
        .isEmpty();
    for (Node gw : gateways(sideA ? before.aNames() : before.bNames())) {
      assertThat(
              diff(gw, sideA ? after.forA() : after.forB(), sideA ? before.forA() : before.forB()))
          .isEmpty();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void diffOfTheDesiredStateWithItselfIsEmpty(long seed) {
    TwoClusters t = RandomTopologies.random(new Random(seed));
    for (Node node : nodes(t.bNames())) {
      List<KernelObject> desired = Plan.desired(node, t.forB());
      assertThat(Plan.diff(desired, desired)).isEmpty();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void applyingTheDiffInOrderTurnsAnyOwnedStateIntoTheDesiredOne(long seed) {
    Random rnd = new Random(seed);
    TwoClusters t = RandomTopologies.random(rnd);
    TwoClusters other =
        rnd.nextBoolean() ? RandomTopologies.random(rnd) : t.withOverlap(!t.overlap());
    List<Node> nodes = nodes(t.aNames());
    List<Node> otherNodes = nodes(other.aNames());
    List<KernelObject> desired =
        rnd.nextInt(8) == 0
            ? List.of()
            : Plan.desired(nodes.get(rnd.nextInt(nodes.size())), t.forA());
    List<KernelObject> observed =
        rnd.nextInt(8) == 0
            ? List.of()
            : Plan.desired(otherNodes.get(rnd.nextInt(otherNodes.size())), other.forA());

    KernelModel kernel = new KernelModel(observed);
    kernel.apply(Plan.diff(desired, observed)); // throws if the kernel would refuse a step

    Set<KernelObject> expected = new HashSet<>(desired);
    Set<String> desiredKeys = desired.stream().map(KernelObject::key).collect(Collectors.toSet());
    observed.stream()
        .filter(o -> o instanceof Sysctl && !desiredKeys.contains(o.key()))
        .forEach(expected::add);
    assertThat(kernel.objects()).isEqualTo(expected);
    assertThat(Plan.diff(desired, new ArrayList<>(kernel.objects()))).isEmpty();
  }

  private static List<Change> diff(Node node, Tunnel after, Tunnel before) {
    return Plan.diff(Plan.desired(node, after), Plan.desired(node, before));
  }

  private static List<Node> nodes(List<String> gatewayNames) {
    List<Node> nodes = new ArrayList<>(gateways(gatewayNames));
    nodes.add(new Node.VpcRouter());
    return nodes;
  }

  private static List<Node> gateways(List<String> names) {
    return names.stream().<Node>map(Node.Gateway::new).toList();
  }

  private static <T> List<T> shuffle(List<T> items, Random rnd) {
    List<T> out = new ArrayList<>(items);
    Collections.shuffle(out, rnd);
    return out;
  }
}
