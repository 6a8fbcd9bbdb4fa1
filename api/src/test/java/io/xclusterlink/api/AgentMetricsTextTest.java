package io.xclusterlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xclusterlink.api.AgentMetrics.DeviceCounters;
import io.xclusterlink.api.AgentMetrics.GatewayShare;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentMetricsTextTest {
  private static AgentMetrics snapshot(String node, long rxBytes) {
    return new AgentMetrics(
        node,
        "default/to-b",
        Map.of("xclvx42", new DeviceCounters(1, 2, rxBytes, 400)),
        Map.of("b-g2", new GatewayShare(false, 0, 0L), "b-g1", new GatewayShare(true, 128, 9000L)),
        3,
        2,
        0.0042,
        0.003,
        5);
  }

  @Test
  void rendersEverySeriesInThePrometheusTextFormat() {
    String text = snapshot("a-g1", 300).render();

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
        .contains("# TYPE xcl_l3_gateway_packets_total counter\n")
        .contains("xcl_l3_gateway_packets_total{" + l + ",gateway=\"b-g1\"} 9000\n")
        .contains("xcl_l3_gateway_packets_total{" + l + ",gateway=\"b-g2\"} 0\n")
        .contains("xcl_l3_membership_changes_total{" + l + "} 3\n")
        .contains("# TYPE xcl_l3_detection_to_applied_seconds summary\n")
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
  void aGatewayWithoutPacketCountsHasNoPacketSampleAndANegativeCountIsRefused() {
    AgentMetrics m =
        new AgentMetrics(
            "router", null, null, Map.of("a-g1", new GatewayShare(true, 128)), 0, 0, 0, 0, 0);
    assertThat(m.validate().render())
        .contains("# TYPE xcl_l3_gateway_packets_total counter\n")
        .doesNotContain("xcl_l3_gateway_packets_total{")
        .contains("xcl_l3_gateway_buckets{node=\"router\",tunnel=\"\",gateway=\"a-g1\"} 128\n");
    assertThatThrownBy(
            () ->
                new AgentMetrics(
                        "router",
                        null,
                        null,
                        Map.of("a-g1", new GatewayShare(true, 128, -1L)),
                        0,
                        0,
                        0,
                        0,
                        0)
                    .validate())
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage("agent metrics: gateways.a-g1.packets: -1 (expected: a count, 0 or more)");
  }

  @Test
  void severalNodesShareOneHelpAndTypePerFamilyAndTheirLinesStayTogether() {
    String text =
        AgentMetricsText.render(
            List.of(snapshot("b-g2", 7), snapshot("a-g1", 300), snapshot("router", 9)));

    Map<String, Long> types =
        text.lines()
            .filter(s -> s.startsWith("# TYPE "))
            .collect(Collectors.groupingBy(s -> s.split(" ")[2], Collectors.counting()));
    assertThat(types).hasSize(9).allSatisfy((family, n) -> assertThat(n).as(family).isEqualTo(1));
    assertThat(text.lines().filter(s -> s.startsWith("# HELP ")).count()).isEqualTo(9);
    // a family's samples follow its header, before the next family's header (one group each)
    String bytes =
        text.substring(
            text.indexOf("# HELP xcl_l3_device_bytes_total"),
            text.indexOf("# HELP xcl_l3_device_packets_total"));
    assertThat(bytes.lines().filter(s -> !s.startsWith("#")))
        .hasSize(6)
        .allMatch(s -> s.startsWith("xcl_l3_device_bytes_total{"));
    // nodes in name order, each series told apart by its node label
    assertThat(bytes.indexOf("node=\"a-g1\""))
        .isLessThan(bytes.indexOf("node=\"b-g2\""))
        .isLessThan(bytes.indexOf("node=\"router\""));
    assertThat(text)
        .contains("xcl_l3_device_bytes_total{node=\"b-g2\",tunnel=\"default/to-b\",")
        .contains("device=\"xclvx42\",direction=\"rx\"} 7\n");
    // every series (name and label set) appears once
    List<String> series =
        text.lines()
            .filter(s -> !s.startsWith("#"))
            .map(s -> s.substring(0, s.lastIndexOf(' ')))
            .toList();
    assertThat(series).doesNotHaveDuplicates();
  }

  @Test
  void noSnapshotsRenderNothing() {
    assertThat(AgentMetricsText.render(List.of())).isEmpty();
  }

  @Test
  void labelValuesAreEscaped() {
    String text = new AgentMetrics("a\"b\\c\nd", null, null, null, 0, 0, 0, 0, 0).render();

    assertThat(text).contains("node=\"a\\\"b\\\\c\\nd\",tunnel=\"\"");
  }

  @Test
  void validationNamesTheFieldTheValueAndTheExpectation() {
    assertThat(snapshot("a-g1", 1).validate()).isNotNull();
    assertThat(new AgentMetrics("router", null, null, null, 0, 0, 0, 0, 0).validate()).isNotNull();

    assertThatThrownBy(() -> snapshot("A_G1", 1).validate())
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageStartingWith("agent metrics: node: 'A_G1' (expected: a DNS name");
    assertThatThrownBy(() -> snapshot("a-g1", -1).validate())
        .hasMessage("agent metrics: devices.xclvx42.rxBytes: -1 (expected: a count, 0 or more)");
    assertThatThrownBy(
            () -> new AgentMetrics("n", "no-slash", null, null, 0, 0, 0, 0, 0).validate())
        .hasMessageContaining("tunnel: no-slash (expected: namespace/name");
    assertThatThrownBy(
            () ->
                new AgentMetrics(
                        "n",
                        null,
                        Map.of("bad dev\"", new DeviceCounters(0, 0, 0, 0)),
                        null,
                        0,
                        0,
                        0,
                        0,
                        0)
                    .validate())
        .hasMessageContaining("devices: bad dev\" (expected: a Linux interface name");
    assertThatThrownBy(
            () ->
                new AgentMetrics(
                        "n", null, null, Map.of("g\"}", new GatewayShare(true, 1)), 0, 0, 0, 0, 0)
                    .validate())
        .hasMessageContaining("gateways: 'g\"}' (expected: a DNS name");
    assertThatThrownBy(
            () -> new AgentMetrics("n", null, null, null, 0, 0, Double.NaN, 0, 0).validate())
        .hasMessage(
            "agent metrics: appliedSecondsSum: NaN (expected: seconds, finite and 0 or more)");
    Map<String, GatewayShare> many = new HashMap<>();
    for (int i = 0; i <= AgentMetrics.MAX_GATEWAYS; i++) {
      many.put("g" + i, new GatewayShare(true, 0));
    }
    assertThatThrownBy(() -> new AgentMetrics("n", null, null, many, 0, 0, 0, 0, 0).validate())
        .hasMessage("agent metrics: gateways: 257 entries (expected: at most 256)");
  }

  @Test
  void readsBackFromItsJson() throws Exception {
    AgentMetrics m = snapshot("a-g1", 300);

    String json = ObjectCodec.json().writeValueAsString(m);

    assertThat(ObjectCodec.json().readValue(json, AgentMetrics.class)).isEqualTo(m);
  }
}
