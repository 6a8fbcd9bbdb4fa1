package io.xclusterlink.agent.objects;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.agent.netlink.RtnetlinkClient.LinkCounters;
import io.xclusterlink.agent.plan.Health;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
  @Test
  void rendersEverySeriesInThePrometheusTextFormat() {
    String text =
        new AgentMetrics(
                "a-g1",
                "default/to-b",
                Map.of("xclvx42", new LinkCounters(1, 2, 300, 400)),
                Map.of("b-g2", Health.DOWN, "b-g1", Health.UP),
                Map.of("b-g1", 128, "b-g2", 0),
                3,
                2,
                0.0042,
                0.003,
                5)
            .render();

    String l = "node=\"a-g1\",tunnel=\"default/to-b\"";
    assertThat(text)
        .contains("# TYPE xcl_l3_device_bytes_total counter\n")
        .contains("xcl_l3_device_bytes_total{" + l + ",device=\"xclvx42\",direction=\"rx\"} 300\n")
        .contains("xcl_l3_device_bytes_total{" + l + ",device=\"xclvx42\",direction=\"tx\"} 400\n")
        .contains("xcl_l3_device_packets_total{" + l + ",device=\"xclvx42\",direction=\"rx\"} 1\n")
        .contains("xcl_l3_device_packets_total{" + l + ",device=\"xclvx42\",direction=\"tx\"} 2\n")
        .contains(
            "xcl_l3_gateway_up{"
                + l
                + ",gateway=\"b-g1\"} 1\nxcl_l3_gateway_up{"
                + l
                + ",gateway=\"b-g2\"} 0\n")
        .contains("xcl_l3_gateway_buckets{" + l + ",gateway=\"b-g1\"} 128\n")
        .contains("xcl_l3_membership_changes_total{" + l + "} 3\n")
        .contains("xcl_l3_detection_to_applied_seconds_count{" + l + "} 2\n")
        .contains("xcl_l3_detection_to_applied_seconds_sum{" + l + "} 0.004200\n")
        .contains("xcl_l3_detection_to_applied_seconds_max{" + l + "} 0.003000\n")
        .contains("xcl_l3_tunnel_restarts_total{" + l + "} 5\n");
    // every sample line is "name{labels} number"
    text.lines()
        .filter(s -> !s.startsWith("#"))
        .forEach(s -> assertThat(s).matches("[a-z_0-9]+\\{[^}]*\\} [0-9.]+"));
  }

  @Test
  void labelValuesAreEscaped() {
    String text =
        new AgentMetrics("a\"b", null, Map.of(), Map.of(), Map.of(), 0, 0, 0, 0, 0).render();

    assertThat(text).contains("node=\"a\\\"b\",tunnel=\"\"");
  }
}
