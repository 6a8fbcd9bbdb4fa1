package io.xclusterlink.agent.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.admin.AdminServer;
import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.AgentMetrics.DeviceCounters;
import io.xclusterlink.api.AgentMetrics.GatewayShare;
import io.xclusterlink.api.Validation;
import io.xclusterlink.store.EmbeddedStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's metrics pushes to a real admin server over its Unix socket, with the agent's own
 * client: kept per node, shown on the gateway's {@code /metrics} after its own meters, and refused
 * in one line when malformed or over a bound.
 */
class AgentMetricsPushIT {
  @TempDir Path dir;
  private EventLoopGroup group;
  private EmbeddedStore store;
  private AdminServer admin;
  private AdminSocketClient client;

  @BeforeEach
  void startAdminServer() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    store = EmbeddedStore.open(dir.resolve("state"));
    admin =
        new AdminServer(
                AdminConfig.inStateDir(dir.resolve("state")),
                store,
                incoming -> {
                  Validation.validate(incoming, true);
                  return incoming;
                },
                () -> Map.of("peer", "a"),
                () -> "# TYPE xcl_tunnels_active gauge\nxcl_tunnels_active{side=\"egress\"} 0\n",
                null,
                group,
                EpollServerSocketChannel.class)
            .start();
    client = new AdminSocketClient(admin.socketPath());
  }

  @AfterEach
  void stop() {
    admin.close();
    store.close();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static AgentMetrics of(String node, long txBytes) {
    return new AgentMetrics(
        node,
        "default/to-b",
        Map.of("xclvx42", new DeviceCounters(10, 20, 3000, txBytes)),
        Map.of("b-g1", new GatewayShare(true, 64), "b-g2", new GatewayShare(true, 64)),
        1,
        1,
        0.002,
        0.002,
        1);
  }

  @Test
  void theGatewaysMetricsShowEveryPushingNodeOnceWithOneHeaderPerFamily() throws IOException {
    client.pushMetrics(of("a-g1", 111));
    client.pushMetrics(of("a-g2", 222));
    client.pushMetrics(of("a-g1", 333)); // replaces a-g1's

    String text = client.request("GET", "/metrics", null);

    assertThat(text).startsWith("# TYPE xcl_tunnels_active gauge\n");
    String l = ",tunnel=\"default/to-b\",device=\"xclvx42\",direction=\"tx\"} ";
    assertThat(text)
        .contains("xcl_l3_device_bytes_total{node=\"a-g1\"" + l + "333\n")
        .contains("xcl_l3_device_bytes_total{node=\"a-g2\"" + l + "222\n")
        .doesNotContain(l + "111\n");
    assertThat(text.lines().filter(s -> s.startsWith("# TYPE xcl_l3_"))).hasSize(9);
    assertThat(text.lines().filter(s -> s.startsWith("# HELP xcl_l3_"))).hasSize(9);
    assertThat(text.lines().filter(s -> s.startsWith("xcl_l3_gateway_up{"))).hasSize(4);
  }

  @Test
  void aMalformedOrMismatchedSnapshotIsRefusedInOneLineNamingTheExpectation() throws IOException {
    assertThatThrownBy(() -> client.request("PUT", "/v1/agents/a-g1/metrics", "{\"node\": 1,"))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "admin API: PUT /v1/agents/a-g1/metrics: 400 body: not an agent metrics snapshot"
                + " (expected: JSON with node, tunnel, devices, gateways, membershipChanges,"
                + " appliedCount, appliedSecondsSum, appliedSecondsMax, tunnelRestarts)");
    assertThatThrownBy(
            () -> client.request("PUT", "/v1/agents/a-g1/metrics", "{\"node\":\"a-g1\",\"x\":1}"))
        .hasMessageContaining("400 body: not an agent metrics snapshot");
    assertThatThrownBy(() -> client.pushMetrics(of("A_G1", 1)))
        .hasMessageContaining("400 agent metrics: node: 'A_G1' (expected: a DNS name");
    assertThatThrownBy(
            () ->
                client.request(
                    "PUT",
                    "/v1/agents/a-g2/metrics",
                    io.xclusterlink.api.ObjectCodec.toJson(of("a-g1", 1))))
        .hasMessageContaining(
            "400 agent metrics: node: 'a-g1' (expected: the node of the path, 'a-g2')");
    assertThatThrownBy(
            () -> client.request("PUT", "/v1/agents/a-g1/metrics", "{" + " ".repeat(70_000) + "}"))
        .hasMessage(
            "admin API: PUT /v1/agents/a-g1/metrics: 413 agent metrics of node a-g1: body of"
                + " 70002 characters (expected: at most 65536)");
    assertThatThrownBy(() -> client.request("GET", "/v1/agents/a-g1/metrics", null))
        .hasMessageContaining("405");

    // nothing refused was kept
    assertThat(client.request("GET", "/metrics", null)).doesNotContain("xcl_l3_");
  }

  @Test
  void aNewNodeBeyondTheCapIsRefusedWhileKnownNodesStillRefresh() throws IOException {
    for (int i = 0; i < 256; i++) {
      client.pushMetrics(of("n" + i, i));
    }

    assertThatThrownBy(() -> client.pushMetrics(of("n256", 1)))
        .hasMessage(
            "admin API: PUT /v1/agents/n256/metrics: 409 agent metrics of node n256: 256 nodes"
                + " already push to this gateway (expected: at most 256; a node's snapshot"
                + " expires 10 s after its last push)");
    client.pushMetrics(of("n7", 7777));
    String text = client.request("GET", "/metrics", null);
    assertThat(text)
        .contains("xcl_l3_device_bytes_total{node=\"n7\",")
        .contains("direction=\"tx\"} 7777\n")
        .doesNotContain("node=\"n256\"");
    assertThat(text.lines().filter(s -> s.startsWith("xcl_l3_tunnel_restarts_total{")))
        .hasSize(256);
  }
}
