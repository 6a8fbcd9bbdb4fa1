package io.xclusterlink.agent.run;

import static io.xclusterlink.agent.run.L3Log.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.agent.KernelVersion;
import io.xclusterlink.agent.config.ProbeConfig;
import io.xclusterlink.agent.objects.AdminSocketClient;
import io.xclusterlink.agent.objects.KernelModules;
import io.xclusterlink.agent.objects.MetricsSocket;
import io.xclusterlink.agent.objects.NodeIdentity;
import io.xclusterlink.agent.objects.ObjectAgent;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.Gateway;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network path from API objects: two standalone gateways (one per cluster, peers of each other
 * over the mTLS peer channel on 127.0.0.1), and one {@link ObjectAgent} per router and gateway node
 * of the bed, each typing only its own addresses (as flags). Nobody types a remote gateway's
 * address: the agents learn them from the GatewayExIps their gateway learned from the peer. The
 * admin sockets are paths, reachable from every namespace. Needs root.
 */
class L3ObjectsIT {
  private static final String PREFIX = "xcl-l3o-";
  private static final String HEADER = "apiVersion: xclusterlink.io/v1alpha1\n";

  @TempDir Path dir;
  private Bed bed;
  private final Map<String, Gateway> gateways = new LinkedHashMap<>();
  private final Map<String, ObjectAgent> agents = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<Void>> runs = new LinkedHashMap<>();

  @BeforeEach
  void needsRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates namespaces");
    assumeTrue(Files.isExecutable(Bed.SCRIPT), "needs " + Bed.SCRIPT);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      agents.values().forEach(ObjectAgent::close);
      gateways.values().forEach(Gateway::close);
    } finally {
      Bed.down();
      assertThat(Bed.run("ip", "netns", "list")).doesNotContain(PREFIX);
    }
  }

  @Test
  void agentsLearnTheirTunnelFromObjectsFollowRemoteGatewaysRefuseGreAndDeleteExactly()
      throws Exception {
    bed = Bed.up(false, PREFIX);
    Map<String, String> before = new LinkedHashMap<>();
    for (JsonNode n : bed.nodes()) {
      before.put(ns(n), kernel(ns(n)));
    }
    startGateways();
    for (String c : List.of("a", "b")) {
      String net = c.equals("a") ? "10" : "20";
      applyPeerVpcAndTunnel(
          c, "cidrs: [10." + net + ".0.0/16], router: {transitIp: 10." + net + ".0.1}");
    }
    // A -> B and B -> A with no remote address typed anywhere
    startAllAgentsAndPingBothWays();
    String aG1 = ns(bed.gateway("a", 0));
    assertThat(Bed.exec(aG1, "bridge", "fdb", "show", "dev", "xclvx42"))
        .contains("dst 192.168.100.21")
        .contains("dst 192.168.100.23");
    awaitTunnelReady("a", true, "Programmed");
    routersBucketSharesAreTheKernels("a");
    metricsOfTheNodesTunnelDevice(aG1);
    gatewayMetricsCarryTheAgentsDeviceCounters("a");

    // a remote gateway withdraws (its agent stops, its GatewayExIp is deleted): picked up
    String aR = ns(bed.cluster("a").path("router"));
    int routerStarts = agents.get(aR).tunnelsStarted();
    String bG3 = ns(bed.gateway("b", 2));
    agents.remove(bG3).close();
    runs.remove(bG3);
    admin("b").request("DELETE", "/v1/gatewayexips/b-g3?namespace=default", null);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(Bed.exec(aG1, "bridge", "fdb", "show", "dev", "xclvx42"))
                    .contains("dst 192.168.100.21")
                    .doesNotContain("dst 192.168.100.23"));
    assertThat(learned("a")).doesNotContain("b.b-g3").contains("b.b-g1", "b.b-g2");
    awaitRunning(List.of(aG1), 2);
    pings("a", "b");

    // ... and comes back
    startAgent(bed.gateway("b", 2));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(Bed.exec(aG1, "bridge", "fdb", "show", "dev", "xclvx42"))
                    .contains("dst 192.168.100.23"));
    awaitRunning(List.of(aG1), 3);
    pings("a", "b");
    // A's router chooses among A's gateways only: its plan did not change, nor did its agent
    assertThat(agents.get(aR).tunnelsStarted()).isEqualTo(routerStarts);

    // deleting A's tunnel removes exactly what its agents created on A's nodes
    admin("a").request("DELETE", "/v1/vpcnattunnels/to-b?namespace=default", null);
    List<String> aNodes = new ArrayList<>();
    for (JsonNode n : bed.nodes()) {
      if (ns(n).startsWith(PREFIX + "a-")) {
        aNodes.add(ns(n));
      }
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (String node : aNodes) {
                assertThat(kernel(node)).as(node).isEqualTo(before.get(node));
              }
            });
    assertThat(agents.get(aG1).removals()).isEqualTo(1);

    // type gre: refused with the missing module named, nothing created
    admin("a").request("POST", "/v1/apply", tunnelYaml("a", "gre"));
    Condition refused = awaitTunnelReady("a", false, null);
    boolean greLoaded = KernelModules.system().present("ip_gre");
    assertThat(refused.reason()).isEqualTo(greLoaded ? "TypeNotSupported" : "KernelModuleMissing");
    assertThat(refused.message()).contains("ip_gre");
    log.info("gre refused: {}: {}", refused.reason(), refused.message());
    for (String node : aNodes) {
      assertThat(kernel(node)).as(node).isEqualTo(before.get(node));
    }
  }

  /**
   * Overlapping VPCs (both 10.10.0.0/16) from objects: each Vpc names its global range, the
   * gateways publish it with their GatewayExIps, and each side reaches the other's workloads by
   * their global addresses through the stateless NAT the agents load — no address typed twice.
   */
  @Test
  void overlappingVpcsReachEachOtherByTheirGlobalRangesFromObjects() throws Exception {
    bed = Bed.up(true, PREFIX);
    startGateways();
    for (String c : List.of("a", "b")) {
      applyPeerVpcAndTunnel(
          c,
          "cidrs: ["
              + bed.cluster(c).path("localPrefix").asText()
              + "], globalNetCIDR: "
              + bed.cluster(c).path("seenAs").asText()
              + ", router: {transitIp: 10.10.0.1}");
    }
    startAllAgentsAndPingBothWays();
    String aG1 = ns(bed.gateway("a", 0));
    // the translation is the agent's: a-g1 has B's global range routed and its own NAT table
    assertThat(Bed.exec(aG1, "ip", "route", "show", bed.cluster("b").path("seenAs").asText()))
        .contains("nhid");
    assertThat(Bed.exec(aG1, "nft", "list", "tables")).contains("xcl");
    awaitTunnelReady("a", true, "Programmed");
  }

  // --- steps

  /** The agent's metrics socket (0600) shows the kernel's counters of its device and health. */
  private void metricsOfTheNodesTunnelDevice(String ns) throws Exception {
    Path socket = dir.resolve("metrics-a-g1.sock");
    ObjectAgent agent = agents.get(ns);
    MetricsSocket m =
        Namespaces.call(ns, () -> MetricsSocket.start(socket, () -> agent.metrics().render()));
    try {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(socket)))
          .isEqualTo("rw-------");
      String text = new AdminSocketClient(socket).request("GET", "/metrics", null);
      log.info("metrics of a-g1:\n{}", text);
      java.util.regex.Matcher tx =
          java.util.regex.Pattern.compile(
                  "xcl_l3_device_packets_total\\{node=\"a-g1\",tunnel=\"default/to-b\","
                      + "device=\"xclvx42\",direction=\"tx\"\\} (\\d+)")
              .matcher(text);
      assertThat(tx.find()).as(text).isTrue();
      assertThat(Long.parseLong(tx.group(1))).isPositive(); // its probes at least
      assertThat(text)
          .contains("xcl_l3_gateway_up{node=\"a-g1\",tunnel=\"default/to-b\",gateway=\"b-g1\"} 1");
    } finally {
      m.close();
    }
  }

  /**
   * The agents push their snapshots to their gateway: its admin {@code /metrics} carries each
   * gateway node's device counters, told apart by the node label, after the traffic above.
   */
  private void gatewayMetricsCarryTheAgentsDeviceCounters(String cluster) {
    java.util.regex.Pattern bytes =
        java.util.regex.Pattern.compile(
            "xcl_l3_device_bytes_total\\{node=\"("
                + cluster
                + "-g\\d)\",tunnel=\"default/to-b\",device=\"xclvx42\",direction=\"tx\"\\}"
                + " (\\d+)");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              String text = admin(cluster).request("GET", "/metrics", null);
              Map<String, Long> byNode = new LinkedHashMap<>();
              java.util.regex.Matcher m = bytes.matcher(text);
              while (m.find()) {
                byNode.put(m.group(1), Long.parseLong(m.group(2)));
              }
              assertThat(byNode).as(text).containsKeys(cluster + "-g1", cluster + "-g2");
              assertThat(byNode.get(cluster + "-g1")).as(text).isPositive();
              assertThat(
                      text.lines()
                          .filter(l -> l.equals("# TYPE xcl_l3_device_bytes_total counter")))
                  .as(text)
                  .hasSize(1);
              // the router's snapshot is there too, under its own node label
              assertThat(text)
                  .contains("xcl_l3_gateway_up{node=\"router\",tunnel=\"default/to-b\"");
              if (KernelVersion.atLeast(6, 7)) {
                // the pings both ways went through the router's group: the kernel counted them
                // per gateway (nexthop group statistics)
                java.util.regex.Matcher p =
                    java.util.regex.Pattern.compile(
                            "xcl_l3_gateway_packets_total\\{node=\"router\",tunnel=\"default/to-b\","
                                + "gateway=\"("
                                + cluster
                                + "-g\\d)\"\\} (\\d+)")
                        .matcher(text);
                Map<String, Long> packets = new LinkedHashMap<>();
                while (p.find()) {
                  packets.put(p.group(1), Long.parseLong(p.group(2)));
                }
                assertThat(packets.keySet()).as(text).hasSize(3);
                assertThat(packets.values().stream().mapToLong(Long::longValue).sum())
                    .as(text)
                    .isPositive();
              }
            });
  }

  private void startGateways() {
    FabricCa.createFabric(dir, "l3", KeyType.EC_P256);
    for (String c : List.of("a", "b")) {
      FabricCa.createPeer(dir, "l3", c, KeyType.EC_P256);
      Path state = dir.resolve("s-" + c);
      GatewayConfig config =
          GatewayConfig.defaults(
                  c,
                  dir.resolve("l3").resolve(c),
                  new InetSocketAddress("127.0.0.1", 0),
                  AdminConfig.inStateDir(state),
                  state)
              .withHeartbeat(Duration.ofMillis(200), Duration.ofMillis(200), 5, 3);
      gateways.put(c, new Gateway(config).start());
    }
  }

  /** An agent on every node of the bed; once all run, each side pings the other's workload. */
  private void startAllAgentsAndPingBothWays() {
    for (JsonNode n : bed.nodes()) {
      startAgent(n);
    }
    awaitRunning(agents.keySet(), 3);
    pings("a", "b");
    pings("b", "a");
  }

  /** Cluster {@code c}'s objects: the other cluster as its Peer, its Vpc, its vxlan tunnel. */
  private void applyPeerVpcAndTunnel(String c, String vpcSpec) throws java.io.IOException {
    String o = c.equals("a") ? "b" : "a";
    admin(c)
        .request(
            "POST",
            "/v1/apply",
            HEADER
                + "kind: Peer\nmetadata: {name: "
                + o
                + "}\nspec: {gateways: [{host: 127.0.0.1, port: "
                + gateways.get(o).tunnelAddress().getPort()
                + "}]}\n---\n"
                + HEADER
                + "kind: Vpc\nmetadata: {name: vpc-"
                + c
                + "}\nspec: {"
                + vpcSpec
                + "}\n---\n"
                + tunnelYaml(c, "vxlan"));
  }

  private AdminSocketClient admin(String cluster) {
    return new AdminSocketClient(gateways.get(cluster).adminSocket());
  }

  private static String tunnelYaml(String c, String type) {
    String o = c.equals("a") ? "b" : "a";
    return HEADER
        + "kind: VpcNatTunnel\nmetadata: {name: to-"
        + o
        + "}\nspec: {localVpc: vpc-"
        + c
        + ", remoteCluster: "
        + o
        + ", remoteVpc: vpc-"
        + o
        + ", interfaceAddr: 100.64.0.0/24, type: "
        + type
        + ", vni: 42, mtu: 1500}\n";
  }

  private void startAgent(JsonNode n) {
    String ns = ns(n);
    String node = ns.substring(PREFIX.length());
    boolean router = node.endsWith("-r");
    String cluster = node.substring(0, 1);
    NodeIdentity self =
        new NodeIdentity(
            router,
            router ? "router" : n.path("name").asText(),
            "default",
            "vpc-" + cluster,
            null,
            router ? null : Ipv4.parse(n.path("underlay").asText()),
            router ? null : Ipv4.parse(n.path("overlay").asText()),
            router ? null : Ipv4.parse(n.path("transit").asText()),
            router ? null : "ul0",
            "tr0");
    ObjectAgent agent =
        new ObjectAgent(
            self,
            admin(cluster),
            ProbeConfig.DEFAULTS,
            Duration.ofSeconds(1),
            Duration.ofMillis(200),
            KernelModules.system());
    agents.put(ns, agent);
    runs.put(ns, Namespaces.start(ns, "objects-" + node, agent::run));
  }

  private void awaitRunning(java.util.Collection<String> nodes, int chosenAmong) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              for (String ns : nodes) {
                CompletableFuture<Void> run = runs.get(ns);
                if (run.isCompletedExceptionally()) {
                  run.join();
                }
                ObjectAgent a = agents.get(ns);
                assertThat(a.state()).as(ns).isEqualTo("running");
                Agent inner = a.agent(); // null for a moment while a changed tunnel restarts
                assertThat(inner).as(ns).isNotNull();
                assertThat(inner.health()).as(ns).hasSize(chosenAmong);
                assertThat(inner.settled()).as(ns).isTrue();
              }
            });
  }

  private void pings(String from, String to) {
    String client = bed.workload(from, 0).path("ns").asText();
    String target = bed.workload(to, 0).path("seenAs").asText();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(Bed.exec(client, "ping", "-c", "1", "-W", "1", target))
                    .contains("1 received"));
  }

  private List<String> learned(String cluster) {
    List<String> out = new ArrayList<>();
    for (XclObject o : gateways.get(cluster).store().list(Kind.GATEWAY_EX_IP, null)) {
      if (((GatewayExIp) o).learnedFrom() != null) {
        out.add(o.metadata().name());
      }
    }
    return out;
  }

  /**
   * The router's report in the tunnel status gives each local gateway's share of the group's 128
   * buckets as its kernel has them: all three hold some, and they add up.
   */
  private void routersBucketSharesAreTheKernels(String cluster) {
    String o = cluster.equals("a") ? "b" : "a";
    ObjectKey key = new ObjectKey(Kind.VPC_NAT_TUNNEL, "default", "to-" + o);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var local =
                  gateways
                      .get(cluster)
                      .store()
                      .get(key)
                      .orElseThrow()
                      .status()
                      .tunnel()
                      .localGateways();
              assertThat(local).hasSize(3);
              assertThat(local).allSatisfy(g -> assertThat(g.buckets()).isPositive());
              assertThat(local.stream().mapToInt(g -> g.buckets()).sum()).isEqualTo(128);
            });
  }

  private Condition awaitTunnelReady(String cluster, boolean ready, String reason) {
    String o = cluster.equals("a") ? "b" : "a";
    ObjectKey key = new ObjectKey(Kind.VPC_NAT_TUNNEL, "default", "to-" + o);
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                gateways
                    .get(cluster)
                    .store()
                    .get(key)
                    .flatMap(t -> t.status().condition(Condition.TUNNEL_READY))
                    .filter(c -> c.isTrue() == ready)
                    .filter(c -> reason == null || reason.equals(c.reason()))
                    .orElse(null),
            java.util.Objects::nonNull);
  }

  /**
   * What a node's kernel has besides sysctls: links, IPv4 addresses and routes of every table,
   * nexthops, FDB, permanent neighbours and nftables.
   */
  private static String kernel(String ns) throws Exception {
    return String.join(
        "\n",
        // without the carrier and operational state, which the veths' far ends decide on their
        // own schedule after the bed is up (a snapshot taken a moment early says NO-CARRIER, DOWN)
        Bed.ip(ns, "-o", "link", "show")
            .replace("NO-CARRIER,", "")
            .replaceAll(" state [A-Z]+ ", " "),
        // IPv4 only: the agents program none of IPv6, whose link-local addresses and their routes
        // settle (DAD) on their own schedule after the bed is up
        Bed.ip(ns, "-4", "-o", "addr", "show"),
        Bed.ip(ns, "-4", "route", "show", "table", "all"),
        Bed.ip(ns, "nexthop", "show"),
        Bed.exec(ns, "bridge", "fdb", "show"),
        Bed.ip(ns, "neigh", "show", "nud", "permanent"),
        Bed.exec(ns, "nft", "list", "ruleset"));
  }

  private static String ns(JsonNode n) {
    return n.path("ns").asText();
  }
}
