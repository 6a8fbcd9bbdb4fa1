package io.xclusterlink.agent.plan;

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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pure planner: the kernel state a node needs for a tunnel ({@link #desired}), and the ordered
 * changes from what the kernel has to that ({@link #diff}). No I/O; thread-safe.
 *
 * <p>Invariants (tested in {@code PlanTest}, {@code PlanPropertiesTest} and against a naive model
 * in {@code PlanEquivalenceTest}):
 *
 * <ul>
 *   <li>health changes only the resilient group's membership, never an id, a nexthop, a route;
 *   <li>ids and the seed depend on the VNI and the names of the chosen-among gateways, not on input
 *       order ({@link NexthopIds}, {@link HashSeed});
 *   <li>{@code diff(x, x)} is empty, and applying {@code diff(desired, observed)} in order to
 *       {@code observed} yields {@code desired} without a dangling reference at any step.
 * </ul>
 */
public final class Plan {
  /**
   * Buckets per resilient group: 43/42/43 for three gateways, enough to move flows in small steps.
   */
  public static final int BUCKETS = 128;

  /** Seconds a bucket must be idle before a re-added gateway may take it over (trap 4). */
  public static final int IDLE_TIMER = 5;

  /** 0: busy buckets are never moved to rebalance, so a revived gateway takes no active flow. */
  public static final int UNBALANCED_TIMER = 0;

  /** Hash policy 3: the fields below, never a socket's or the NIC's L4 hash (trap 1). */
  public static final int HASH_POLICY = 3;

  /** Source and destination address, protocol, source and destination port. */
  public static final int HASH_FIELDS = 0x0037;

  /**
   * Protocol and ports only: under 1:1 translation the addresses differ on the two sides (trap 5).
   */
  public static final int HASH_FIELDS_TRANSLATED = 0x0034;

  private Plan() {}

  /**
   * The desired kernel state of {@code node} for {@code tunnel}, in kernel order (see {@link
   * KernelObject.Kind}), each kind by key.
   *
   * <p>A group whose gateways are all down keeps every gateway as a member rather than being
   * withdrawn: without the route, remote-bound packets would follow the default route out of the
   * VPC unencrypted, and "all down at once" is more often this node's probes failing than every
   * gateway dying; the ids and routes stay, so the first gateway back is one group replace.
   *
   * @throws IllegalArgumentException if {@code node} is a gateway the tunnel does not list
   */
  public static List<KernelObject> desired(Node node, Tunnel tunnel) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(tunnel, "tunnel");
    List<KernelObject> out = new ArrayList<>();
    VxlanConfig vx = tunnel.vxlan();
    if (node instanceof Node.VpcRouter) {
      List<String> names = tunnel.localGateways().stream().map(LocalGateway::name).toList();
      NexthopIds ids = NexthopIds.assign(vx.vni(), names);
      sysctls(out, tunnel, HashSeed.of(node, tunnel));
      List<Integer> up = new ArrayList<>();
      for (LocalGateway g : byName(tunnel.localGateways(), LocalGateway::name)) {
        int id = ids.members().get(g.name());
        out.add(new Nexthop(id, g.transit(), tunnel.transitDevice()));
        if (g.health() == Health.UP) {
          up.add(id);
        }
      }
      group(out, ids, up);
      for (Ipv4Prefix p : tunnel.remotePrefixes()) {
        out.add(new Route(p, new RouteTarget.ViaNexthop(ids.group())));
      }
    } else if (node instanceof Node.Gateway gw) {
      LocalGateway self =
          tunnel.localGateways().stream()
              .filter(g -> g.name().equals(gw.name()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "node: gateway "
                              + gw.name()
                              + " (expected: one of the tunnel's local gateways "
                              + tunnel.localGateways().stream()
                                  .map(LocalGateway::name)
                                  .sorted()
                                  .toList()
                              + ")"));
      List<String> names = tunnel.remoteGateways().stream().map(RemoteGateway::name).toList();
      NexthopIds ids = NexthopIds.assign(vx.vni(), names);
      sysctls(out, tunnel, HashSeed.of(node, tunnel));
      String dev = vx.deviceName();
      out.add(
          new VxlanLink(
              dev,
              vx.vni(),
              self.underlay(),
              vx.underlayDevice(),
              vx.port(),
              Mac.ofOverlay(self.overlay()),
              vx.mtu()));
      out.add(new LinkAddress(dev, self.overlay(), vx.overlayNetwork().length()));
      List<Integer> up = new ArrayList<>();
      for (RemoteGateway g : byName(tunnel.remoteGateways(), RemoteGateway::name)) {
        Mac mac = Mac.ofOverlay(g.overlay());
        int id = ids.members().get(g.name());
        out.add(new FdbEntry(mac, dev, g.underlay()));
        out.add(new Neighbour(g.overlay(), mac, dev));
        out.add(new Nexthop(id, g.overlay(), dev));
        if (g.health() == Health.UP) {
          up.add(id);
        }
      }
      group(out, ids, up);
      for (Ipv4Prefix p : tunnel.remotePrefixes()) {
        out.add(new Route(p, new RouteTarget.ViaNexthop(ids.group())));
      }
      for (Ipv4Prefix p : tunnel.localPrefixes()) {
        out.add(
            new Route(
                p, new RouteTarget.ViaGateway(tunnel.routerTransit(), tunnel.transitDevice())));
      }
      if (tunnel.overlap() instanceof Overlap.Translated t) {
        out.add(natTable(vx, tunnel.transitDevice(), t));
      }
    }
    out.sort(ORDER);
    return List.copyOf(out);
  }

  /**
   * The changes that turn {@code observed} into {@code desired}, in an order the kernel accepts:
   * adds and replaces by ascending kind (sysctls, links, addresses, FDB and neighbour entries,
   * nexthops, groups, routes, NAT), then deletes by descending kind, so that nothing is ever
   * created before what it refers to, nor removed while something still refers to it. A group whose
   * membership changed is one {@link Change.Replace} (trap 4: delete and add would move every flow
   * and take the routes with it). Sysctls have no "absent" state and are never deleted: an observed
   * sysctl the plan no longer wants is left as it is.
   */
  public static List<Change> diff(
      Collection<KernelObject> desired, Collection<KernelObject> observed) {
    Map<String, KernelObject> want = byKey(desired, "desired");
    Map<String, KernelObject> have = byKey(observed, "observed");
    List<Change> writes = new ArrayList<>();
    List<Change> deletes = new ArrayList<>();
    for (KernelObject w : want.values()) {
      KernelObject h = have.get(w.key());
      if (h == null) {
        writes.add(new Change.Add(w));
      } else if (!h.equals(w)) {
        writes.add(new Change.Replace(h, w));
      }
    }
    for (KernelObject h : have.values()) {
      if (!want.containsKey(h.key()) && !(h instanceof Sysctl)) {
        deletes.add(new Change.Delete(h));
      }
    }
    writes.sort(Comparator.comparing(Change::object, ORDER));
    deletes.sort(Comparator.comparing(Change::object, ORDER).reversed());
    List<Change> out = new ArrayList<>(writes.size() + deletes.size());
    out.addAll(writes);
    out.addAll(deletes);
    return List.copyOf(out);
  }

  /** Kind first, then key: the order of {@link #desired}. */
  public static final Comparator<KernelObject> ORDER =
      Comparator.comparing(KernelObject::kind).thenComparing(KernelObject::key);

  private static Map<String, KernelObject> byKey(Collection<KernelObject> objects, String which) {
    Map<String, KernelObject> map = new HashMap<>();
    for (KernelObject o : objects) {
      KernelObject before = map.put(o.key(), o);
      if (before != null && !before.equals(o)) {
        throw new IllegalArgumentException(
            which
                + ": "
                + o.key()
                + " twice, as "
                + before
                + " and "
                + o
                + " (expected: one object per key)");
      }
    }
    return map;
  }

  private static void sysctls(List<KernelObject> out, Tunnel tunnel, long seed) {
    boolean translated = tunnel.overlap() instanceof Overlap.Translated;
    out.add(new Sysctl("net.ipv4.ip_forward", "1"));
    out.add(new Sysctl("net.ipv4.conf.all.rp_filter", "0"));
    out.add(new Sysctl("net.ipv4.conf.default.rp_filter", "0"));
    // the effective rp_filter is the maximum of "all" and the device's own, set when it was created
    out.add(new Sysctl("net.ipv4.conf." + tunnel.transitDevice() + ".rp_filter", "0"));
    out.add(new Sysctl("net.ipv4.fib_multipath_hash_policy", String.valueOf(HASH_POLICY)));
    out.add(
        new Sysctl(
            "net.ipv4.fib_multipath_hash_fields",
            String.valueOf(translated ? HASH_FIELDS_TRANSLATED : HASH_FIELDS)));
    out.add(new Sysctl("net.ipv4.fib_multipath_hash_seed", Long.toString(seed)));
  }

  private static void group(List<KernelObject> out, NexthopIds ids, List<Integer> up) {
    // members in gateway-name order, the same on every node choosing among these gateways
    List<Integer> members = up.isEmpty() ? List.copyOf(ids.members().values()) : up;
    out.add(new ResilientGroup(ids.group(), members, BUCKETS, IDLE_TIMER, UNBALANCED_TIMER));
  }

  private static <T> List<T> byName(List<T> gateways, java.util.function.Function<T, String> name) {
    Map<String, T> sorted = new TreeMap<>();
    for (T g : gateways) {
      sorted.put(name.apply(g), g);
    }
    return List.copyOf(sorted.values());
  }

  /**
   * The stateless 1:1 prefix translation of a cluster's gateways. Its text depends only on the
   * tunnel (device names, translations sorted by local prefix), so it is byte-identical on every
   * gateway of the cluster and a flow survives moving to another gateway (trap 5). {@code notrack}
   * keeps conntrack out of it: no state to lose when a gateway dies.
   */
  static NatTable natTable(VxlanConfig vx, String transitDevice, Overlap.Translated t) {
    String name = "xcl_nat_" + vx.vni();
    StringBuilder text = new StringBuilder();
    text.append("table ip ").append(name).append(" {\n");
    text.append("\tchain pre {\n");
    text.append("\t\ttype filter hook prerouting priority raw; policy accept;\n");
    List<Overlap.Translation> sorted = new ArrayList<>(t.translations());
    sorted.sort(Comparator.comparing(Overlap.Translation::local));
    for (Overlap.Translation tr : sorted) {
      text.append("\t\tiifname \"")
          .append(transitDevice)
          .append("\" ip saddr ")
          .append(tr.local())
          .append(" ip daddr ")
          .append(t.globalSpace())
          .append(" notrack ip saddr set ip saddr & ")
          .append(tr.local().hostmask())
          .append(" | ")
          .append(tr.global().address())
          .append('\n');
      text.append("\t\tiifname \"")
          .append(vx.deviceName())
          .append("\" ip daddr ")
          .append(tr.global())
          .append(" notrack ip daddr set ip daddr & ")
          .append(tr.global().hostmask())
          .append(" | ")
          .append(tr.local().address())
          .append('\n');
    }
    text.append("\t}\n}\n");
    return new NatTable(name, text.toString());
  }
}
