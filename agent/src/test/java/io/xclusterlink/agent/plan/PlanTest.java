package io.xclusterlink.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xclusterlink.agent.plan.KernelObject.FdbEntry;
import io.xclusterlink.agent.plan.KernelObject.Kind;
import io.xclusterlink.agent.plan.KernelObject.NatTable;
import io.xclusterlink.agent.plan.KernelObject.Neighbour;
import io.xclusterlink.agent.plan.KernelObject.Nexthop;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.KernelObject.Route;
import io.xclusterlink.agent.plan.KernelObject.RouteTarget;
import io.xclusterlink.agent.plan.KernelObject.Sysctl;
import io.xclusterlink.agent.plan.KernelObject.VxlanLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanTest {
  private static final Node ROUTER = new Node.VpcRouter();
  private final TwoClusters example = TwoClusters.example();

  @Test
  void routerChoosesAmongItsGatewaysThroughOneResilientGroup() {
    List<KernelObject> plan = Plan.desired(ROUTER, example.forA());
    NexthopIds ids = NexthopIds.assign(42, List.of("g1", "g2", "g3"));

    assertThat(of(plan, Nexthop.class))
        .containsExactlyInAnyOrder(
            new Nexthop(ids.members().get("g1"), Ipv4.parse("10.255.0.10"), "eth1"),
            new Nexthop(ids.members().get("g2"), Ipv4.parse("10.255.0.11"), "eth1"),
            new Nexthop(ids.members().get("g3"), Ipv4.parse("10.255.0.12"), "eth1"));
    assertThat(of(plan, ResilientGroup.class))
        .containsExactly(
            new ResilientGroup(ids.group(), List.copyOf(ids.members().values()), 128, 5, 0));
    assertThat(of(plan, Route.class))
        .containsExactly(
            new Route(Ipv4Prefix.parse("10.20.0.0/16"), new RouteTarget.ViaNexthop(ids.group())));
    assertThat(sysctls(plan))
        .containsEntry("net.ipv4.fib_multipath_hash_policy", "3")
        .containsEntry("net.ipv4.fib_multipath_hash_fields", "55")
        .containsEntry(
            "net.ipv4.fib_multipath_hash_seed",
            Long.toString(HashSeed.of(42, List.of(Ipv4Prefix.parse("10.10.0.0/16")))))
        .containsEntry("net.ipv4.ip_forward", "1")
        .containsEntry("net.ipv4.conf.all.rp_filter", "0")
        .containsEntry("net.ipv4.conf.default.rp_filter", "0")
        .containsEntry("net.ipv4.conf.eth1.rp_filter", "0");
    assertThat(plan).noneMatch(o -> o instanceof VxlanLink || o instanceof NatTable);
  }

  @Test
  void gatewayHasOneVxlanDeviceWithStaticEntriesPerRemoteGateway() {
    List<KernelObject> plan = Plan.desired(new Node.Gateway("g2"), example.forA());

    Mac self = Mac.ofOverlay(Ipv4.parse("100.64.0.11"));
    assertThat(of(plan, VxlanLink.class))
        .containsExactly(
            new VxlanLink("xclvx42", 42, Ipv4.parse("192.168.0.11"), "eth0", 4789, self, 1450));
    assertThat(self.toString()).isEqualTo("02:58:64:40:00:0b");
    assertThat(of(plan, FdbEntry.class))
        .hasSize(3)
        .contains(
            new FdbEntry(
                Mac.ofOverlay(Ipv4.parse("100.64.0.110")), "xclvx42", Ipv4.parse("192.168.1.10")));
    assertThat(of(plan, Neighbour.class))
        .hasSize(3)
        .contains(
            new Neighbour(
                Ipv4.parse("100.64.0.110"), Mac.ofOverlay(Ipv4.parse("100.64.0.110")), "xclvx42"));
    assertThat(of(plan, Nexthop.class))
        .extracting(Nexthop::via)
        .containsExactlyInAnyOrder(
            Ipv4.parse("100.64.0.110"), Ipv4.parse("100.64.0.111"), Ipv4.parse("100.64.0.112"));
    int group = NexthopIds.assign(42, List.of("g1", "g2", "g3")).group();
    assertThat(of(plan, Route.class))
        .containsExactly(
            new Route(
                Ipv4Prefix.parse("10.10.0.0/16"),
                new RouteTarget.ViaGateway(Ipv4.parse("10.255.0.1"), "eth1")),
            new Route(Ipv4Prefix.parse("10.20.0.0/16"), new RouteTarget.ViaNexthop(group)));
  }

  @Test
  void desiredStateIsInKernelOrder() {
    List<KernelObject> plan = Plan.desired(new Node.Gateway("g1"), example.forA());
    List<Kind> kinds = plan.stream().map(KernelObject::kind).toList();
    assertThat(kinds).isSorted();
  }

  @Test
  void losingAGatewayReplacesOnlyItsGroupOnTheRouterAndOnEveryRemoteGateway() {
    TwoClusters after = example.withHealth(true, "g2", Health.DOWN);
    int aGroup = NexthopIds.assign(42, example.aNames()).group();

    List<Change> router =
        Plan.diff(Plan.desired(ROUTER, after.forA()), Plan.desired(ROUTER, example.forA()));
    assertThat(router)
        .singleElement()
        .isInstanceOfSatisfying(
            Change.Replace.class,
            r -> {
              assertThat(r.object().key()).isEqualTo("nexthop " + aGroup);
              assertThat(((ResilientGroup) r.object()).members())
                  .containsExactly(id(example.aNames(), "g1"), id(example.aNames(), "g3"));
            });
    for (String b : example.bNames()) {
      Node gw = new Node.Gateway(b);
      assertThat(Plan.diff(Plan.desired(gw, after.forB()), Plan.desired(gw, example.forB())))
          .as("remote gateway %s", b)
          .isEqualTo(router);
    }
    // the nodes that do not choose among A's gateways are untouched
    assertThat(Plan.desired(ROUTER, after.forB())).isEqualTo(Plan.desired(ROUTER, example.forB()));
    for (String a : example.aNames()) {
      Node gw = new Node.Gateway(a);
      assertThat(Plan.desired(gw, after.forA())).isEqualTo(Plan.desired(gw, example.forA()));
    }
  }

  @Test
  void revivingAGatewayReAddsItWithNoOtherChange() {
    TwoClusters down = example.withHealth(false, "g3", Health.DOWN);
    List<Change> back =
        Plan.diff(Plan.desired(ROUTER, example.forB()), Plan.desired(ROUTER, down.forB()));
    assertThat(back)
        .singleElement()
        .isInstanceOfSatisfying(
            Change.Replace.class,
            r ->
                assertThat(((ResilientGroup) r.object()).members())
                    .containsExactlyElementsOf(
                        NexthopIds.assign(42, example.bNames()).members().values()));
  }

  @Test
  void groupWithNoHealthyMemberKeepsEveryMemberAndItsRoutes() {
    TwoClusters allDown =
        example
            .withHealth(true, "g1", Health.DOWN)
            .withHealth(true, "g2", Health.DOWN)
            .withHealth(true, "g3", Health.DOWN);
    assertThat(Plan.desired(ROUTER, allDown.forA()))
        .isEqualTo(Plan.desired(ROUTER, example.forA()));
    TwoClusters oneLeft = allDown.withHealth(true, "g3", Health.UP);
    assertThat(of(Plan.desired(ROUTER, oneLeft.forA()), ResilientGroup.class).get(0).members())
        .containsExactly(id(example.aNames(), "g3"));
  }

  @Test
  void routerAndRemoteGatewaysChoosingAmongTheSameGatewaysShareTheSeed() {
    TwoClusters t =
        new TwoClusters(
            7,
            List.of("east-1", "east-2"),
            List.of("west-1", "west-2", "west-3"),
            List.of(Health.UP, Health.UP),
            List.of(Health.UP, Health.DOWN, Health.UP),
            example.aPrefixes(),
            example.bPrefixes(),
            false);
    String aRouter = seed(Plan.desired(ROUTER, t.forA()));
    String bRouter = seed(Plan.desired(ROUTER, t.forB()));
    for (String b : t.bNames()) {
      assertThat(seed(Plan.desired(new Node.Gateway(b), t.forB()))).isEqualTo(aRouter);
    }
    for (String a : t.aNames()) {
      assertThat(seed(Plan.desired(new Node.Gateway(a), t.forA()))).isEqualTo(bRouter);
    }
    assertThat(aRouter).isNotEqualTo(bRouter);
    Ipv4Prefix p1 = Ipv4Prefix.parse("10.1.0.0/16");
    Ipv4Prefix p2 = Ipv4Prefix.parse("10.2.0.0/16");
    assertThat(HashSeed.of(7, List.of(p2, p1))).isEqualTo(HashSeed.of(7, List.of(p1, p2)));
    assertThat(HashSeed.of(8, List.of(p1, p2))).isNotEqualTo(HashSeed.of(7, List.of(p1, p2)));
    // a gateway added to B's set: every node keeps its seed (no active flow is re-hashed)
    TwoClusters more =
        new TwoClusters(
            7,
            List.of("east-1", "east-2"),
            List.of("west-1", "west-2", "west-3", "west-4"),
            List.of(Health.UP, Health.UP),
            List.of(Health.UP, Health.DOWN, Health.UP, Health.UP),
            example.aPrefixes(),
            example.bPrefixes(),
            false);
    assertThat(seed(Plan.desired(ROUTER, more.forB()))).isEqualTo(bRouter);
    assertThat(seed(Plan.desired(new Node.Gateway("east-1"), more.forA()))).isEqualTo(bRouter);
    // overlapping VPCs: the router uses its global ranges, which is how the remote side sees it
    TwoClusters overlap = t.withOverlap(true);
    String aRouterOverlap = seed(Plan.desired(ROUTER, overlap.forA()));
    for (String b : overlap.bNames()) {
      assertThat(seed(Plan.desired(new Node.Gateway(b), overlap.forB()))).isEqualTo(aRouterOverlap);
    }
    assertThat(aRouterOverlap).isNotEqualTo(aRouter);
    // every node also knows the other way's seed (the probe rounds' phase is made of both)
    for (TwoClusters c : List.of(t, overlap)) {
      long a = HashSeed.of(ROUTER, c.forA());
      long b = HashSeed.of(ROUTER, c.forB());
      assertThat(Long.toString(a)).isEqualTo(seed(Plan.desired(ROUTER, c.forA())));
      assertThat(HashSeed.ofOtherWay(ROUTER, c.forA())).isEqualTo(b);
      for (String g : c.aNames()) {
        assertThat(HashSeed.of(new Node.Gateway(g), c.forA())).isEqualTo(b);
        assertThat(HashSeed.ofOtherWay(new Node.Gateway(g), c.forA())).isEqualTo(a);
      }
    }
  }

  @Test
  void translatedTunnelHashesOnPortsOnlyAndRewritesPrefixesStatelessly() {
    TwoClusters overlap = example.withOverlap(true);
    List<KernelObject> g1 = Plan.desired(new Node.Gateway("g1"), overlap.forA());
    assertThat(sysctls(g1)).containsEntry("net.ipv4.fib_multipath_hash_fields", "52");
    assertThat(of(g1, NatTable.class))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.name()).isEqualTo("xcl_nat_42");
              assertThat(t.text())
                  .isEqualTo(
                      """
          table ip xcl_nat_42 {
          \tchain pre {
          \t\ttype filter hook prerouting priority raw; policy accept;
          \t\tiifname "eth1" ip saddr 10.10.0.0/16 ip daddr 242.0.0.0/8 notrack ip saddr set ip saddr & 0.0.255.255 | 242.0.0.0
          \t\tiifname "xclvx42" ip daddr 242.0.0.0/16 notrack ip daddr set ip daddr & 0.0.255.255 | 10.10.0.0
          \t}
          }
          """);
            });
    assertThat(of(g1, Route.class))
        .extracting(Route::prefix)
        .containsExactly(Ipv4Prefix.parse("10.10.0.0/16"), Ipv4Prefix.parse("242.8.0.0/16"));
    for (String a : overlap.aNames()) {
      assertThat(of(Plan.desired(new Node.Gateway(a), overlap.forA()), NatTable.class))
          .as("gateway %s", a)
          .isEqualTo(of(g1, NatTable.class));
    }
  }

  @Test
  void restartWithTheKernelAlreadyRightChangesNothing() {
    List<KernelObject> desired = Plan.desired(new Node.Gateway("g3"), example.forB());
    List<KernelObject> reordered = new ArrayList<>(desired);
    java.util.Collections.reverse(reordered);
    assertThat(Plan.diff(desired, reordered)).isEmpty();
  }

  @Test
  void deletingTheTunnelRemovesExactlyItsObjectsRoutesFirst() {
    List<KernelObject> had = Plan.desired(new Node.Gateway("g1"), example.forA());
    List<Change> changes = Plan.diff(List.of(), had);

    assertThat(changes).allMatch(c -> c instanceof Change.Delete);
    assertThat(changes)
        .extracting(Change::object)
        .containsExactlyInAnyOrderElementsOf(
            had.stream().filter(o -> !(o instanceof Sysctl)).toList());
    assertThat(changes.stream().map(c -> c.object().kind()).toList())
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    KernelModel kernel = new KernelModel(had);
    kernel.apply(changes);
    assertThat(kernel.objects()).allMatch(o -> o instanceof Sysctl);
  }

  @Test
  void createsNexthopsBeforeTheirGroupAndTheGroupBeforeItsRoutes() {
    List<KernelObject> desired = Plan.desired(new Node.Gateway("g1"), example.forA());
    List<Change> changes = Plan.diff(desired, List.of());
    KernelModel kernel = new KernelModel(List.of());
    kernel.apply(changes);
    assertThat(kernel.objects()).containsExactlyInAnyOrderElementsOf(desired);
  }

  @Test
  void rejectsAGatewayNodeTheTunnelDoesNotList() {
    assertThatThrownBy(() -> Plan.desired(new Node.Gateway("g9"), example.forA()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node: gateway g9 (expected: one of the tunnel's local gateways [g1, g2, g3])");
  }

  @Test
  void rejectsOverlappingPrefixesWithoutTranslation() {
    TwoClusters clash =
        new TwoClusters(
            42,
            example.aNames(),
            example.bNames(),
            example.aHealth(),
            example.bHealth(),
            example.aPrefixes(),
            List.of(Ipv4Prefix.parse("10.10.5.0/24")),
            false);
    assertThatThrownBy(clash::forA)
        .hasMessageStartingWith(
            "remotePrefixes: 10.10.5.0/24 overlaps local 10.10.0.0/16 (expected: disjoint");
  }

  @Test
  void rejectsAPrefixWithHostBits() {
    assertThatThrownBy(() -> Ipv4Prefix.parse("10.10.1.1/24"))
        .hasMessage("prefix: 10.10.1.1/24 (expected: no host bits set, e.g. 10.10.1.0/24)");
  }

  private static int id(List<String> names, String name) {
    return NexthopIds.assign(42, names).members().get(name);
  }

  private static <T> List<T> of(List<KernelObject> plan, Class<T> type) {
    return plan.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Map<String, String> sysctls(List<KernelObject> plan) {
    return of(plan, Sysctl.class).stream().collect(Collectors.toMap(Sysctl::key, Sysctl::value));
  }

  private static String seed(List<KernelObject> plan) {
    return sysctls(plan).get("net.ipv4.fib_multipath_hash_seed");
  }
}
