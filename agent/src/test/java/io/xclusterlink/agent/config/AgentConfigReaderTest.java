package io.xclusterlink.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Overlap;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentConfigReaderTest {
  static final String GATEWAY =
      """
      role: gateway
      name: a-g1
      tunnel:
        vni: 42
        underlayDevice: ul0
        overlayNetwork: 100.64.0.0/24
        mtu: 1500
        transitDevice: tr0
        routerTransit: 10.10.0.1
        localPrefixes: [10.10.1.0/24]
        remotePrefixes: [242.0.2.0/24]
        localGateways:
          - {name: a-g1, transit: 10.10.0.11, underlay: 192.168.100.11, overlay: 100.64.0.11}
          - {name: a-g2, transit: 10.10.0.12, underlay: 192.168.100.12, overlay: 100.64.0.12}
        remoteGateways:
          - {name: b-g1, underlay: 192.168.100.21, overlay: 100.64.0.21}
        overlap:
          globalSpace: 242.0.0.0/16
          translations: [{local: 10.10.1.0/24, global: 242.0.1.0/24}]
      """;

  @Test
  void readsAGatewayWithDefaultsAndEveryGatewayUp() {
    AgentConfig c = AgentConfigReader.parse("a-g1.yaml", GATEWAY);
    assertThat(c.node()).isEqualTo(new Node.Gateway("a-g1"));
    assertThat(c.probe()).isEqualTo(ProbeConfig.DEFAULTS);
    assertThat(c.resync()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.tunnel().vxlan().port()).isEqualTo(4789);
    assertThat(c.tunnel().localGateways()).allMatch(g -> g.health() == Health.UP);
    assertThat(c.tunnel().overlap()).isInstanceOf(Overlap.Translated.class);
  }

  @Test
  void namesTheFileTheFieldPathTheValueAndTheExpectation() {
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    "a-g1.yaml", GATEWAY.replace("transit: 10.10.0.12", "transit: 10.10.0.300")))
        .hasMessage(
            "agent config a-g1.yaml: tunnel.localGateways[1].transit: 10.10.0.300 (expected:"
                + " a.b.c.d, each 0-255)");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    "a-g1.yaml", GATEWAY.replace("name: a-g1\n", "name: a-g9\n")))
        .hasMessage(
            "agent config a-g1.yaml: name: a-g9 (expected: one of tunnel.localGateways [a-g1, a-g2])");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse("a-g1.yaml", GATEWAY.replace("role: gateway", "role: hub")))
        .hasMessage("agent config a-g1.yaml: role: hub (expected: router or gateway)");
    assertThatThrownBy(
            () -> AgentConfigReader.parse("a-g1.yaml", GATEWAY.replace("  vni: 42\n", "")))
        .hasMessage("agent config a-g1.yaml: tunnel.vni: missing (expected: a value)");
    assertThatThrownBy(
            () -> AgentConfigReader.parse("r.json", "{\"role\": \"router\", \"colour\": 1}"))
        .hasMessage(
            "agent config r.json: colour: unknown field (expected one of: role, name, probe,"
                + " resyncMillis, tunnel)");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    "a-g1.yaml",
                    GATEWAY.replace("overlay: 100.64.0.21", "overlay: 100.64.0.21, mac: x")))
        .hasMessage(
            "agent config a-g1.yaml: tunnel.remoteGateways[0].mac: unknown field (expected one of:"
                + " name, underlay, overlay)");
    assertThatThrownBy(
            () -> AgentConfigReader.parse("a-g1.yaml", GATEWAY.replace("vni: 42", "vni: forty")))
        .hasMessage("agent config a-g1.yaml: tunnel.vni: \"forty\" (expected: an integer)");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    "a-g1.yaml",
                    GATEWAY.replace(
                        "localPrefixes: [10.10.1.0/24]", "localPrefixes: 10.10.1.0/24")))
        .hasMessage(
            "agent config a-g1.yaml: tunnel.localPrefixes: \"10.10.1.0/24\" (expected: a list)");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    "a-g1.yaml",
                    GATEWAY.replace("remoteGateways:\n", "remoteGateways:\n    - b-g0\n")))
        .hasMessage("agent config a-g1.yaml: tunnel.remoteGateways[0]: \"b-g0\" (expected: a map)");
    assertThatThrownBy(() -> AgentConfigReader.parse("a.yaml", "- role: router"))
        .hasMessage("agent config a.yaml: a list (expected: a map)");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse("r.json", "{\"role\": \"router\", \"role\": \"gateway\"}"))
        .hasMessageStartingWith("agent config r.json: Duplicate field 'role'");
    assertThatThrownBy(() -> AgentConfigReader.parse("r.json", "{\"role\": \"router\"} {}"))
        .hasMessageStartingWith("agent config r.json: ");
    assertThatThrownBy(
            () -> AgentConfigReader.parse("r.yaml", "role: router\n---\nrole: gateway\n"))
        .hasMessage(
            "agent config r.yaml: more after the first value (expected: one map, then the end of"
                + " the file) (line 3)");
  }

  @Test
  void takesQuotedNumbersAndATrailingDocumentMarkerButNotYamlWordsAsText() {
    AgentConfig plain = AgentConfigReader.parse("a-g1.yaml", GATEWAY);
    assertThat(AgentConfigReader.parse("a-g1.yaml", GATEWAY.replace("vni: 42", "vni: \"42\"")))
        .isEqualTo(plain);
    assertThat(AgentConfigReader.parse("a-g1.yaml", GATEWAY + "---\n")).isEqualTo(plain);
    // JSON has no empty documents: a value after the map is refused, whatever it is
    assertThatThrownBy(() -> AgentConfigReader.parse("r.json", "{\"role\": \"router\"} null"))
        .hasMessageStartingWith("agent config r.json: ");
    assertThatThrownBy(
            () -> AgentConfigReader.parse("a-g1.yaml", GATEWAY.replace("mtu: 1500", "mtu: 1500.5")))
        .hasMessage("agent config a-g1.yaml: tunnel.mtu: 1500.5 (expected: an integer)");
    // YAML 1.1 reads on/yes/no as booleans: a device named "on" must be quoted
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    "a-g1.yaml", GATEWAY.replace("transitDevice: tr0", "transitDevice: on")))
        .hasMessage(
            "agent config a-g1.yaml: tunnel.transitDevice: true (expected: text; quote it)");
    assertThat(
            AgentConfigReader.parse(
                    "a-g1.yaml", GATEWAY.replace("transitDevice: tr0", "transitDevice: \"on\""))
                .tunnel()
                .transitDevice())
        .isEqualTo("on");
  }

  @Test
  void readsJsonWithTheJsonParserAndAYamlFlowMappingWithTheYamlOne() throws Exception {
    String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(GATEWAY));
    assertThat(json).startsWith("{\"role\":\"gateway\"");
    assertThat(AgentConfigReader.parse("a-g1.json", json))
        .isEqualTo(AgentConfigReader.parse("a-g1.yaml", GATEWAY));
    // starts with "{" but is not JSON: YAML reads it, and its refusal is the one reported
    assertThatThrownBy(() -> AgentConfigReader.parse("r.yaml", "{role: router, colour: 1}"))
        .hasMessageStartingWith("agent config r.yaml: colour: unknown field");
  }
}
