package io.xclusterlink.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.AgentMetrics.DeviceCounters;
import io.xclusterlink.api.AgentMetrics.GatewayShare;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentMetricsSnapshotsTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final AgentMetricsSnapshots snapshots =
      new AgentMetricsSnapshots(now::get, 3, Duration.ofSeconds(10));

  private static AgentMetrics of(String node, long txBytes) {
    return new AgentMetrics(
        node,
        "default/to-b",
        Map.of("xclvx42", new DeviceCounters(1, 2, 3, txBytes)),
        Map.of("b-g1", new GatewayShare(true, 128)),
        0,
        0,
        0,
        0,
        1);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void keepsTheLatestSnapshotPerNode() {
    snapshots.put(of("a-g1", 10));
    snapshots.put(of("a-g2", 20));
    snapshots.put(of("a-g1", 11));

    assertThat(snapshots.current()).containsExactlyInAnyOrder(of("a-g1", 11), of("a-g2", 20));
  }

  @Test
  void refusesANewNodeWhenFullButTakesRefreshesOfKnownOnes() {
    snapshots.put(of("a-g1", 1));
    snapshots.put(of("a-g2", 1));
    snapshots.put(of("router", 1));

    assertThatThrownBy(() -> snapshots.put(of("a-g3", 1)))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage(
            "agent metrics of node a-g3: 3 nodes already push to this gateway (expected: at most"
                + " 3; a node's snapshot expires 10 s after its last push)")
        .satisfies(
            e ->
                assertThat(((LimitExceededException) e).status())
                    .isEqualTo(HttpResponseStatus.CONFLICT));
    snapshots.put(of("a-g1", 2));
    assertThat(snapshots.current()).hasSize(3).contains(of("a-g1", 2));
  }

  @Test
  void dropsASnapshotNotRefreshedWithinTheExpiryAndFreesItsPlace() {
    snapshots.put(of("a-g1", 1));
    advance(Duration.ofSeconds(6));
    snapshots.put(of("a-g2", 1));
    snapshots.put(of("router", 1));
    advance(Duration.ofMillis(3_999));

    assertThat(snapshots.current()).hasSize(3);

    advance(Duration.ofMillis(1));
    assertThat(snapshots.current()).extracting(AgentMetrics::node).containsOnly("a-g2", "router");
    assertThat(snapshots.render()).doesNotContain("a-g1").contains("node=\"a-g2\"");
    // the expired node's place is free for a new one
    snapshots.put(of("a-g3", 1));
    advance(Duration.ofSeconds(10));
    assertThat(snapshots.current()).isEmpty();
    assertThat(snapshots.render()).isEmpty();
  }

  @Test
  void rendersSeveralNodesWithOneHelpAndTypePerFamily() {
    snapshots.put(of("a-g1", 100));
    snapshots.put(of("a-g2", 200));

    String text = snapshots.render();

    assertThat(text.lines().filter(l -> l.equals("# TYPE xcl_l3_device_bytes_total counter")))
        .hasSize(1);
    assertThat(text.lines().filter(l -> l.startsWith("# TYPE "))).hasSize(9);
    assertThat(text.lines().filter(l -> l.startsWith("# HELP "))).hasSize(9);
    assertThat(text)
        .contains(
            "xcl_l3_device_bytes_total{node=\"a-g1\",tunnel=\"default/to-b\",device=\"xclvx42\","
                + "direction=\"tx\"} 100\n")
        .contains(
            "xcl_l3_device_bytes_total{node=\"a-g2\",tunnel=\"default/to-b\",device=\"xclvx42\","
                + "direction=\"tx\"} 200\n");
  }
}
