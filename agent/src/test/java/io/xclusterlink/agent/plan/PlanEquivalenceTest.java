package io.xclusterlink.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.agent.plan.KernelObject.FdbEntry;
import io.xclusterlink.agent.plan.KernelObject.LinkAddress;
import io.xclusterlink.agent.plan.KernelObject.NatTable;
import io.xclusterlink.agent.plan.KernelObject.Neighbour;
import io.xclusterlink.agent.plan.KernelObject.Nexthop;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.KernelObject.Route;
import io.xclusterlink.agent.plan.KernelObject.RouteTarget;
import io.xclusterlink.agent.plan.KernelObject.Sysctl;
import io.xclusterlink.agent.plan.KernelObject.VxlanLink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Plan#desired} against a naive re-computation written independently from
 * l3-kernel.md's recipe (no {@link NexthopIds}, {@link HashSeed}, {@link Mac} or {@link Fnv1a}),
 * over random topologies: 1-8 gateways per side, random health, random prefixes, overlap on and
 * off.
 */
class PlanEquivalenceTest {

  @Test
  void plannerEqualsTheNaiveRecipeOverRandomTopologies() {
    Random rnd = new Random(20261202L);
    int compared = 0;
    int translated = 0;
    int allDown = 0;
    for (int i = 0; i < 2000; i++) {
      TwoClusters t = RandomTopologies.random(rnd);
      for (Tunnel tunnel : List.of(t.forA(), t.forB())) {
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node.VpcRouter());
        tunnel.localGateways().forEach(g -> nodes.add(new Node.Gateway(g.name())));
        for (Node node : nodes) {
          assertThat(new HashSet<>(Plan.desired(node, tunnel)))
              .as("%s on %s", node, tunnel)
              .isEqualTo(naive(node, tunnel));
          compared++;
        }
        translated += t.overlap() ? 1 : 0;
        allDown += tunnel.localGateways().stream().allMatch(g -> g.health() == Health.DOWN) ? 1 : 0;
      }
    }
    // the random topologies did reach every branch
    assertThat(compared).isGreaterThan(10_000);
    assertThat(translated).isGreaterThan(1000);
    assertThat(allDown).isGreaterThan(10);
  }

  /**
   * The recipe, spelled out: slow, obvious, and sharing nothing with the planner but the records.
   */
  private static Set<KernelObject> naive(Node node, Tunnel t) {
    Set<KernelObject> out = new HashSet<>();
    int vni = t.vxlan().vni();
    boolean nat = t.overlap() instanceof Overlap.Translated;
    // names sorted, with the chosen-among set's state
    TreeMap<String, Object> chosen = new TreeMap<>();
    if (node instanceof Node.VpcRouter) {
      t.localGateways().forEach(g -> chosen.put(g.name(), g));
    } else {
      t.remoteGateways().forEach(g -> chosen.put(g.name(), g));
    }
    // the chosen-among VPC as the other side addresses it, sorted as text
    TreeSet<String> seen = new TreeSet<>();
    if (node instanceof Node.VpcRouter) {
      for (Ipv4Prefix p : t.localPrefixes()) {
        Ipv4Prefix g = p;
        if (t.overlap() instanceof Overlap.Translated tr) {
          for (Overlap.Translation x : tr.translations()) {
            if (x.local().equals(p)) {
              g = x.global();
            }
          }
        }
        seen.add(g.toString());
      }
    } else {
      t.remotePrefixes().forEach(p -> seen.add(p.toString()));
    }
    String seedText = "xcl-seed/" + vni;
    for (String p : seen) {
      seedText += "\n" + p;
    }
    long seed = fnv(seedText);
    out.add(new Sysctl("net.ipv4.ip_forward", "1"));
    out.add(new Sysctl("net.ipv4.conf.all.rp_filter", "0"));
    out.add(new Sysctl("net.ipv4.conf.default.rp_filter", "0"));
    out.add(new Sysctl("net.ipv4.conf." + t.transitDevice() + ".rp_filter", "0"));
    out.add(new Sysctl("net.ipv4.fib_multipath_hash_policy", "3"));
    out.add(new Sysctl("net.ipv4.fib_multipath_hash_fields", nat ? "52" : "55"));
    out.add(new Sysctl("net.ipv4.fib_multipath_hash_seed", String.valueOf(seed == 0 ? 1 : seed)));

    List<Integer> taken = new ArrayList<>();
    int group = naiveId("xcl/" + vni + "/group", taken);
    List<Integer> all = new ArrayList<>();
    List<Integer> up = new ArrayList<>();
    String vx = "xclvx" + vni;
    for (var e : chosen.entrySet()) {
      int id = naiveId("xcl/" + vni + "/gw/" + e.getKey(), taken);
      all.add(id);
      if (e.getValue() instanceof LocalGateway g) {
        out.add(new Nexthop(id, g.transit(), t.transitDevice()));
        if (g.health() == Health.UP) {
          up.add(id);
        }
      } else if (e.getValue() instanceof RemoteGateway g) {
        Mac mac = new Mac(0x025800000000L + Integer.toUnsignedLong(g.overlay().bits()));
        out.add(new FdbEntry(mac, vx, g.underlay()));
        out.add(new Neighbour(g.overlay(), mac, vx));
        out.add(new Nexthop(id, g.overlay(), vx));
        if (g.health() == Health.UP) {
          up.add(id);
        }
      }
    }
    out.add(new ResilientGroup(group, up.isEmpty() ? all : up, 128, 5, 0));
    for (Ipv4Prefix p : t.remotePrefixes()) {
      out.add(new Route(p, new RouteTarget.ViaNexthop(group)));
    }
    if (node instanceof Node.Gateway self) {
      LocalGateway me =
          t.localGateways().stream()
              .filter(g -> g.name().equals(self.name()))
              .findFirst()
              .orElseThrow();
      out.add(
          new VxlanLink(
              vx,
              vni,
              me.underlay(),
              t.vxlan().underlayDevice(),
              t.vxlan().port(),
              new Mac(0x025800000000L + Integer.toUnsignedLong(me.overlay().bits())),
              t.vxlan().mtu()));
      out.add(new LinkAddress(vx, me.overlay(), t.vxlan().overlayNetwork().length()));
      for (Ipv4Prefix p : t.localPrefixes()) {
        out.add(new Route(p, new RouteTarget.ViaGateway(t.routerTransit(), t.transitDevice())));
      }
      if (t.overlap() instanceof Overlap.Translated tr) {
        TreeMap<Long, Overlap.Translation> byLocal = new TreeMap<>();
        for (Overlap.Translation x : tr.translations()) {
          byLocal.put(
              Integer.toUnsignedLong(x.local().address().bits()) << 6 | x.local().length(), x);
        }
        StringBuilder rules = new StringBuilder();
        for (Overlap.Translation x : byLocal.values()) {
          String host = dotted(~(-1L << (32 - x.local().length())));
          rules.append(
              String.format(
                  "\t\tiifname \"%s\" ip saddr %s ip daddr %s notrack ip saddr set ip saddr & %s | %s%n",
                  t.transitDevice(), x.local(), tr.globalSpace(), host, x.global().address()));
          rules.append(
              String.format(
                  "\t\tiifname \"%s\" ip daddr %s notrack ip daddr set ip daddr & %s | %s%n",
                  vx, x.global(), host, x.local().address()));
        }
        out.add(
            new NatTable(
                "xcl_nat_" + vni,
                "table ip xcl_nat_"
                    + vni
                    + " {\n\tchain pre {\n"
                    + "\t\ttype filter hook prerouting priority raw; policy accept;\n"
                    + rules
                    + "\t}\n}\n"));
      }
    }
    return out;
  }

  private static String dotted(long bits) {
    return (bits >> 24 & 255)
        + "."
        + (bits >> 16 & 255)
        + "."
        + (bits >> 8 & 255)
        + "."
        + (bits & 255);
  }

  private static long fnv(String text) {
    long h = 2166136261L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h = ((h ^ (b & 0xff)) * 16777619L) % 4294967296L;
    }
    return h;
  }

  private static int naiveId(String key, List<Integer> taken) {
    long id = (1L << 28) + fnv(key) % ((1L << 31) - (1L << 28));
    while (taken.contains((int) id)) {
      id = id + 1 == 1L << 31 ? 1L << 28 : id + 1;
    }
    taken.add((int) id);
    return (int) id;
  }
}
