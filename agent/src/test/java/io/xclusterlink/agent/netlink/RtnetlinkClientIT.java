package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.agent.KernelVersion;
import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.Ipv4Prefix;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.Nexthop;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.LocalGateway;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Overlap;
import io.xclusterlink.agent.plan.Plan;
import io.xclusterlink.agent.plan.RemoteGateway;
import io.xclusterlink.agent.plan.Tunnel;
import io.xclusterlink.agent.plan.VxlanConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter against a real kernel, in a namespace of its own: programs the planner's state, reads
 * it back with its own dump and with {@code ip -j}, replaces and deletes. Needs root.
 */
class RtnetlinkClientIT {
  private static final Node ROUTER = new Node.VpcRouter();

  @BeforeEach
  void needsRoot() {
    assumeTrue(NetworkNamespace.root(), "needs root: creates network namespaces");
  }

  @Test
  void routerGroupIsProgrammedReplacedWithoutOneMemberAndRemovedLeavingForeignObjects()
      throws Exception {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      transit(ns);
      ns.ip("nexthop", "add", "id", "7", "via", "10.255.0.99", "dev", "t0");
      ns.ip("route", "add", "10.99.0.0/16", "nhid", "7");
      ns.ip("route", "add", "10.98.0.0/16", "via", "10.255.0.99", "proto", "static");

      Tunnel all = tunnel(Health.UP);
      List<KernelObject> desired = Plan.desired(ROUTER, all);
      List<KernelObject> observed =
          withClient(
              ns,
              client -> {
                client.apply(Plan.diff(desired, client.observe(desired)));
                return client.observe(desired);
              });
      assertThat(new HashSet<>(observed)).isEqualTo(new HashSet<>(desired));
      assertThat(Plan.diff(desired, observed)).isEmpty();

      ResilientGroup group = only(desired, ResilientGroup.class);
      JsonNode kernelGroup = nexthop(ns, group.id());
      assertThat(kernelGroup.path("type").asText()).isEqualTo("resilient");
      assertThat(kernelGroup.path("resilient_args").path("buckets").asInt()).isEqualTo(128);
      assertThat(kernelGroup.path("resilient_args").path("idle_timer").asInt()).isEqualTo(5);
      assertThat(kernelGroup.path("resilient_args").path("unbalanced_timer").asInt()).isEqualTo(0);
      List<Integer> members = new ArrayList<>();
      kernelGroup.path("group").forEach(m -> members.add(m.path("id").asInt()));
      assertThat(members).isEqualTo(group.members());
      for (Nexthop n : all(desired, Nexthop.class)) {
        assertThat(nexthop(ns, n.id()).path("gateway").asText()).isEqualTo(n.via().toString());
      }
      assertThat(routes(ns))
          .containsEntry("10.20.0.0/16", "nhid " + group.id() + " proto 120")
          .containsEntry("10.21.0.0/24", "nhid " + group.id() + " proto 120")
          .containsEntry("10.99.0.0/16", "nhid 7 proto boot");
      assertThat(ns.ip("route", "show", "proto", "120").lines().filter(l -> !l.startsWith("\t")))
          .hasSize(2);

      // g2 declared dead: one replace of the group, and only g2's buckets move
      Map<Integer, Integer> before = buckets(ns, group.id());
      int g2 = nexthopVia(desired, "10.255.0.11");
      List<KernelObject> withoutG2 = Plan.desired(ROUTER, withHealth(all, "g2", Health.DOWN));
      List<Change> changes =
          withClient(
              ns,
              client -> {
                List<Change> diff = Plan.diff(withoutG2, client.observe(withoutG2));
                client.apply(diff);
                return diff;
              });
      assertThat(changes).singleElement().isInstanceOf(Change.Replace.class);
      Map<Integer, Integer> after = buckets(ns, group.id());
      assertThat(before).hasSize(128);
      assertThat(before.values()).contains(g2);
      before.forEach(
          (index, nhid) -> {
            if (nhid == g2) {
              assertThat(after.get(index))
                  .as("bucket %d of the dead member", index)
                  .isNotEqualTo(g2);
            } else {
              assertThat(after.get(index))
                  .as("bucket %d of a surviving member", index)
                  .isEqualTo(nhid);
            }
          });

      // the adapter counts the buckets per member as iproute2 shows them, before and after
      Map<Integer, Integer> perMemberBefore = new TreeMap<>();
      before.values().forEach(id -> perMemberBefore.merge(id, 1, Integer::sum));
      Map<Integer, Integer> perMemberAfter = new TreeMap<>();
      after.values().forEach(id -> perMemberAfter.merge(id, 1, Integer::sum));
      assertThat(perMemberBefore).containsKey(g2).hasSize(3);
      assertThat(withClient(ns, (RtnetlinkClient client) -> client.bucketCounts(group.id())))
          .isEqualTo(perMemberAfter)
          .doesNotContainKey(g2)
          .hasSize(2);
      assertThat(withClient(ns, (RtnetlinkClient client) -> client.bucketCounts(group.id() + 1)))
          .as("no such group")
          .isEmpty();

      // the tunnel goes: exactly our objects go
      List<KernelObject> left =
          withClient(
              ns,
              client -> {
                client.apply(Plan.diff(List.of(), client.observe(List.of())));
                return client.observe(List.of());
              });
      assertThat(left).isEmpty();
      List<Integer> ids = new ArrayList<>();
      ns.ipJson("nexthop", "show").forEach(n -> ids.add(n.path("id").asInt()));
      assertThat(ids).containsExactly(7);
      assertThat(routes(ns))
          .doesNotContainKeys("10.20.0.0/16", "10.21.0.0/24")
          .containsEntry("10.99.0.0/16", "nhid 7 proto boot")
          .containsEntry("10.98.0.0/16", "via 10.255.0.99 proto static");
    }
  }

  @Test
  void groupStatisticsCountThePacketsSentThroughEachMemberFromZeroAfterAReplace() throws Exception {
    assumeTrue(
        KernelVersion.atLeast(6, 7),
        "nexthop group statistics need Linux 6.7 or later; this kernel: "
            + KernelVersion.running());
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      transit(ns);
      Tunnel all = tunnel(Health.UP);
      List<KernelObject> desired = Plan.desired(ROUTER, all);
      ResilientGroup group = only(desired, ResilientGroup.class);
      Map<Integer, Long> counted =
          withClient(
              ns,
              client -> {
                client.apply(Plan.diff(desired, client.observe(desired)));
                Map<Integer, Long> before = client.groupPackets(group.id());
                sendToRemotePrefix(200);
                Map<Integer, Long> after = client.groupPackets(group.id());
                Map<Integer, Long> sent = new TreeMap<>();
                after.forEach((id, n) -> sent.put(id, n - before.getOrDefault(id, 0L)));
                return sent;
              });
      // every destination is one route lookup through the group: 200 over 3 members by hash
      assertThat(counted.keySet()).containsExactlyInAnyOrderElementsOf(group.members());
      assertThat(counted.values()).allSatisfy(n -> assertThat(n).isPositive());
      assertThat(counted.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(200);

      int g2 = nexthopVia(desired, "10.255.0.11");
      List<KernelObject> withoutG2 = Plan.desired(ROUTER, withHealth(all, "g2", Health.DOWN));
      Map<Integer, Long> afterReplace =
          withClient(
              ns,
              client -> {
                client.apply(Plan.diff(withoutG2, client.observe(withoutG2)));
                sendToRemotePrefix(50);
                return client.groupPackets(group.id());
              });
      // the kernel counts again from 0 for the new membership, without the dead member
      assertThat(afterReplace).hasSize(2).doesNotContainKey(g2);
      assertThat(afterReplace.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(50);
      assertThat(withClient(ns, (RtnetlinkClient client) -> client.groupPackets(group.id() + 1)))
          .as("no such group")
          .isEmpty();
    }
  }

  /**
   * One UDP datagram to each of {@code n} addresses of the remote prefix 10.20.0.0/16, from an
   * unconnected socket: one route lookup each. Nothing answers (the gateways are not there).
   */
  private static void sendToRemotePrefix(int n) throws Exception {
    try (java.nio.channels.DatagramChannel c = java.nio.channels.DatagramChannel.open()) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      for (int i = 0; i < n; i++) {
        b.clear();
        c.send(
            b,
            new java.net.InetSocketAddress(
                java.net.InetAddress.getByAddress(
                    new byte[] {10, 20, (byte) (i / 250), (byte) (1 + i % 250)}),
                9));
      }
    }
  }

  @Test
  void gatewayStateWithVxlanDeviceFdbAndNeighboursIsProgrammedAndReadBack() throws Exception {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      transit(ns);
      ns.ip("link", "add", "u0", "type", "veth", "peer", "name", "u1");
      ns.ip("addr", "add", "192.168.0.11/24", "dev", "u0");
      ns.ip("link", "set", "u0", "up");
      ns.ip("link", "set", "u1", "up");

      List<KernelObject> desired = Plan.desired(new Node.Gateway("g2"), tunnel(Health.UP));
      List<KernelObject> observed =
          withClient(
              ns,
              client -> {
                client.apply(Plan.diff(desired, client.observe(desired)));
                return client.observe(desired);
              });
      assertThat(new HashSet<>(observed)).isEqualTo(new HashSet<>(desired));

      JsonNode link = ns.ipJson("-d", "link", "show", "xclvx42").get(0);
      assertThat(link.path("address").asText()).isEqualTo("02:58:64:40:00:0b");
      assertThat(link.path("mtu").asInt()).isEqualTo(1450);
      JsonNode vx = link.path("linkinfo").path("info_data");
      assertThat(vx.path("id").asInt()).isEqualTo(42);
      assertThat(vx.path("local").asText()).isEqualTo("192.168.0.11");
      assertThat(vx.path("port").asInt()).isEqualTo(4789);
      assertThat(vx.path("learning").asBoolean(true)).isFalse();
      String fdb =
          NetworkNamespace.run(
              "ip", "netns", "exec", ns.name, "bridge", "fdb", "show", "dev", "xclvx42");
      assertThat(fdb).contains("02:58:64:40:00:6e dst 192.168.0.110 self permanent");
      assertThat(ns.ip("neigh", "show", "dev", "xclvx42"))
          .contains("100.64.0.110 lladdr 02:58:64:40:00:6e PERMANENT");

      List<KernelObject> left =
          withClient(
              ns,
              client -> {
                client.apply(Plan.diff(List.of(), client.observe(List.of())));
                return client.observe(List.of());
              });
      assertThat(left).isEmpty();
      assertThat(ns.ip("link", "show")).doesNotContain("xclvx42");
    }
  }

  @Test
  void refusalNamesTheObjectAndTheErrno() throws Exception {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      transit(ns);
      Nexthop offLink = new Nexthop(21, Ipv4.parse("100.64.0.21"), "t0");
      assertThatThrownBy(
              () ->
                  withClient(
                      ns,
                      client -> {
                        client.apply(List.of(new Change.Add(offLink)));
                        return null;
                      }))
          .isInstanceOf(NetlinkException.class)
          .hasMessageStartingWith(
              "add nexthop 21 via 100.64.0.21 dev t0: Network is unreachable (errno 101)");

      ns.ip("nexthop", "add", "id", "21", "via", "10.255.0.21", "dev", "t0");
      assertThatThrownBy(
              () ->
                  withClient(
                      ns,
                      client -> {
                        client.apply(
                            List.of(
                                new Change.Add(new Nexthop(21, Ipv4.parse("10.255.0.22"), "t0"))));
                        return null;
                      }))
          .isInstanceOf(NetlinkException.class)
          .hasMessageStartingWith("add nexthop 21 via 10.255.0.22 dev t0: File exists (errno 17)");
      assertThat(nexthop(ns, 21).path("gateway").asText())
          .as("a foreign nexthop is never overwritten")
          .isEqualTo("10.255.0.21");
    }
  }

  static void transit(NetworkNamespace ns) throws Exception {
    ns.ip("link", "add", "t0", "type", "veth", "peer", "name", "t1");
    ns.ip("addr", "add", "10.255.0.1/24", "dev", "t0");
    ns.ip("link", "set", "t0", "up");
    ns.ip("link", "set", "t1", "up");
  }

  /**
   * Three gateways per side on the transit 10.255.0.0/24 (g1-g3 at .10-.12); overlay 100.64.0.0/24.
   */
  static Tunnel tunnel(Health health) {
    List<LocalGateway> local = new ArrayList<>();
    List<RemoteGateway> remote = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      local.add(
          new LocalGateway(
              "g" + (i + 1),
              Ipv4.parse("10.255.0." + (10 + i)),
              Ipv4.parse("192.168.0." + (10 + i)),
              Ipv4.parse("100.64.0." + (10 + i)),
              health));
      remote.add(
          new RemoteGateway(
              "r" + (i + 1),
              Ipv4.parse("192.168.0." + (110 + i)),
              Ipv4.parse("100.64.0." + (110 + i)),
              health));
    }
    return new Tunnel(
        new VxlanConfig(42, 4789, "u0", Ipv4Prefix.parse("100.64.0.0/24"), 1450),
        "t0",
        Ipv4.parse("10.255.0.1"),
        List.of(Ipv4Prefix.parse("10.10.0.0/16")),
        List.of(Ipv4Prefix.parse("10.20.0.0/16"), Ipv4Prefix.parse("10.21.0.0/24")),
        local,
        remote,
        new Overlap.None());
  }

  static Tunnel withHealth(Tunnel t, String localName, Health h) {
    List<LocalGateway> local =
        t.localGateways().stream()
            .map(g -> g.name().equals(localName) ? g.withHealth(h) : g)
            .toList();
    return new Tunnel(
        t.vxlan(),
        t.transitDevice(),
        t.routerTransit(),
        t.localPrefixes(),
        t.remotePrefixes(),
        local,
        t.remoteGateways(),
        t.overlap());
  }

  static JsonNode nexthop(NetworkNamespace ns, int id) throws Exception {
    return ns.ipJson("nexthop", "show", "id", Integer.toString(id)).get(0);
  }

  static Map<Integer, Integer> buckets(NetworkNamespace ns, int group) throws Exception {
    Map<Integer, Integer> out = new TreeMap<>();
    ns.ipJson("nexthop", "bucket", "show", "id", Integer.toString(group))
        .forEach(
            b ->
                out.put(
                    b.path("bucket").path("index").asInt(), b.path("bucket").path("nhid").asInt()));
    return out;
  }

  /** Routes of the main table: prefix to "nhid N proto P" or "via A proto P". */
  private static Map<String, String> routes(NetworkNamespace ns) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode r : ns.ipJson("route", "show")) {
      String target =
          r.has("nhid")
              ? "nhid " + r.path("nhid").asInt()
              : r.has("gateway")
                  ? "via " + r.path("gateway").asText()
                  : "dev " + r.path("dev").asText();
      // ip leaves out the protocol when it is "boot", the default of `ip route add`
      out.put(r.path("dst").asText(), target + " proto " + r.path("protocol").asText("boot"));
    }
    return out;
  }

  static <T> T only(List<KernelObject> objects, Class<T> type) {
    List<T> found = all(objects, type);
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  static <T> List<T> all(List<KernelObject> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** {@code call} with a client of its own, inside {@code ns}. */
  private static <T> T withClient(NetworkNamespace ns, ClientCall<T> call) throws Exception {
    return ns.inside(
        () -> {
          try (RtnetlinkClient client = RtnetlinkClient.open()) {
            return call.on(client);
          }
        });
  }

  @FunctionalInterface
  private interface ClientCall<T> {
    T on(RtnetlinkClient client) throws Exception;
  }

  /** The id of the desired nexthop through {@code via}. */
  private static int nexthopVia(List<KernelObject> desired, String via) {
    return all(desired, Nexthop.class).stream()
        .filter(n -> n.via().equals(Ipv4.parse(via)))
        .findFirst()
        .orElseThrow()
        .id();
  }
}
