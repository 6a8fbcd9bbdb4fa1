package io.xclusterlink.kube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.xclusterlink.api.InvalidObjectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayExIpsTest {
  static GenericKubernetesResource with(String name, String peer, Map<String, Object> spec) {
    GenericKubernetesResource r =
        GatewayExIps.toResource("b", name, peer, new GatewayExIpSpec(List.of("h"), 1, null));
    r.setAdditionalProperties(Map.of("spec", spec));
    return r;
  }

  static Map<String, Object> spec(Object ips, Object port, Object cidr) {
    Map<String, Object> m = new HashMap<>();
    if (ips != null) {
      m.put("externalIps", ips);
    }
    if (port != null) {
      m.put("port", port);
    }
    if (cidr != null) {
      m.put("globalNetCIDR", cidr);
    }
    return m;
  }

  @Test
  void whatIsPublishedReadsBackTheSame() {
    GatewayExIpSpec s =
        new GatewayExIpSpec(List.of("192.0.2.1", "gw.example"), 8443, "242.1.0.0/16");
    GenericKubernetesResource r = GatewayExIps.toResource("xcl-broker", "east-n1", "east", s);
    assertThat(r.getApiVersion()).isEqualTo("xclusterlink.io/v1alpha1");
    assertThat(r.getKind()).isEqualTo("GatewayExIp");
    assertThat(GatewayExIps.parse(r)).isEqualTo(new PublishedGateway("east-n1", "east", s));
    assertThat(GatewayExIps.says(r, "east", s)).isTrue();
    assertThat(GatewayExIps.says(r, "east", new GatewayExIpSpec(List.of("192.0.2.1"), 8443, null)))
        .isFalse();
  }

  @Test
  void aPortFromJsonMayBeAnyIntegralNumber() {
    assertThat(
            GatewayExIps.parse(with("east", "east", spec(List.of("h"), 443L, null))).spec().port())
        .isEqualTo(443);
  }

  @Test
  void badObjectsAreRefusedWithTheFieldTheValueAndTheExpectation() {
    assertThatThrownBy(
            () -> GatewayExIps.parse(with("east", "east", spec(List.of("h"), 70000, null))))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage("GatewayExIp b/east: spec.port: 70000 (expected: 1-65535)");
    assertThatThrownBy(
            () -> GatewayExIps.parse(with("east", "east", spec(List.of("h"), "80", null))))
        .hasMessage("GatewayExIp b/east: spec.port: '80' (expected: 1-65535)");
    assertThatThrownBy(() -> GatewayExIps.parse(with("east", "east", spec(null, 80, null))))
        .hasMessageContaining("spec.externalIps: missing");
    List<String> blank = new ArrayList<>(List.of("h", " "));
    assertThatThrownBy(() -> GatewayExIps.parse(with("east", "east", spec(blank, 80, null))))
        .hasMessageContaining("spec.externalIps[1]: ' ' (expected: a host name or IP address)");
    assertThatThrownBy(
            () -> GatewayExIps.parse(with("east", "east", spec(List.of("h"), 80, "10.0.0.0/33"))))
        .hasMessageContaining("spec.globalNetCIDR: '10.0.0.0/33'");
    assertThatThrownBy(() -> GatewayExIps.parse(with("west", "east", spec(List.of("h"), 80, null))))
        .hasMessageContaining("metadata.name: 'west' (expected: 'east' or 'east-<node>')");
    GenericKubernetesResource unlabelled = with("east", "east", spec(List.of("h"), 80, null));
    unlabelled.getMetadata().setLabels(null);
    assertThatThrownBy(() -> GatewayExIps.parse(unlabelled))
        .hasMessageContaining("metadata.labels[xclusterlink.io/peer]: missing");
  }

  @Test
  void aCidrOfEitherFamilyIsAccepted() {
    assertThat(new GatewayExIpSpec(List.of("h"), 1, "fd00:1::/64").globalNetCIDR())
        .isEqualTo("fd00:1::/64");
    assertThatThrownBy(() -> new GatewayExIpSpec(List.of("h"), 1, "not-a-cidr"))
        .isInstanceOf(InvalidObjectException.class);
  }
}
