package io.xclusterlink.kube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.InvalidObjectException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayExIpsTest {
  static GatewayExIp.Spec spec(List<String> ips, Integer port, String cidr) {
    return new GatewayExIp.Spec(ips, port, cidr, null, null, null, null, null);
  }

  static GenericKubernetesResource with(String name, String peer, Map<String, Object> spec) {
    GenericKubernetesResource r =
        GatewayExIps.toResource("b", name, peer, spec(List.of("192.0.2.9"), 1, null));
    r.setAdditionalProperties(Map.of("spec", spec));
    return r;
  }

  static Map<String, Object> raw(Object ips, Object port) {
    Map<String, Object> m = new HashMap<>();
    m.put("externalIps", ips);
    m.put("port", port);
    return m;
  }

  @Test
  void whatIsPublishedReadsBackTheSame() {
    GatewayExIp.Spec s =
        new GatewayExIp.Spec(
            List.of("192.0.2.1", "192.0.2.2"),
            8443,
            "242.1.0.0/16",
            "vpc1",
            "n1",
            "10.200.0.1",
            null,
            List.of("10.1.0.0/16"));
    GenericKubernetesResource r = GatewayExIps.toResource("xcl-broker", "east-n1", "east", s);
    assertThat(r.getApiVersion()).isEqualTo("xclusterlink.io/v1alpha1");
    assertThat(r.getKind()).isEqualTo("GatewayExIp");
    assertThat(r.getMetadata().getLabels()).containsEntry("xclusterlink.io/peer", "east");
    assertThat(GatewayExIps.parse(r)).isEqualTo(new PublishedGateway("east-n1", "east", s));
    assertThat(GatewayExIps.says(r, "east", s)).isTrue();
    assertThat(GatewayExIps.says(r, "east", spec(List.of("192.0.2.1"), 8443, null))).isFalse();
    assertThat(GatewayExIps.says(r, "west", s)).isFalse();
  }

  @Test
  void whatTheApiServerAddsToMetadataIsIgnored() {
    GenericKubernetesResource r =
        GatewayExIps.toResource("b", "east", "east", spec(List.of("192.0.2.1"), 443, null));
    r.getMetadata().setUid("0b0e");
    r.getMetadata().setResourceVersion("12");
    r.getMetadata().setCreationTimestamp("2026-12-02T12:00:00Z");
    assertThat(GatewayExIps.parse(r).spec().port()).isEqualTo(443);
  }

  @Test
  void badObjectsAreRefusedWithTheObjectTheFieldAndTheExpectation() {
    assertThatThrownBy(
            () -> GatewayExIps.parse(with("east", "east", raw(List.of("192.0.2.1"), 70000))))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageStartingWith("GatewayExIp b/east: ")
        .hasMessageContaining("spec.port: 70000 (expected: 1-65535)");
    assertThatThrownBy(
            () -> GatewayExIps.parse(with("east", "east", raw(List.of("gw.example"), 80))))
        .hasMessageStartingWith("GatewayExIp b/east: ")
        .hasMessageContaining("spec.externalIps[0]");
    assertThatThrownBy(() -> GatewayExIps.parse(with("east", "east", raw(List.of(), 80))))
        .hasMessageContaining("spec.externalIps: missing");
    assertThatThrownBy(
            () -> GatewayExIps.parse(with("west", "east", raw(List.of("192.0.2.1"), 80))))
        .hasMessage(
            "GatewayExIp b/west: metadata.name: 'west' (expected: 'east' or 'east-<node>')");
    GenericKubernetesResource unlabelled = with("east", "east", raw(List.of("192.0.2.1"), 80));
    unlabelled.getMetadata().setLabels(null);
    assertThatThrownBy(() -> GatewayExIps.parse(unlabelled))
        .hasMessageStartingWith("GatewayExIp b/east: ")
        .hasMessageContaining("metadata.labels[xclusterlink.io/peer]: missing");
  }

  @Test
  void aPublicationNeedsAPort() {
    assertThat(GatewayExIps.checkPublication("east", spec(List.of("192.0.2.1"), 443, null)).port())
        .isEqualTo(443);
    assertThatThrownBy(
            () -> GatewayExIps.checkPublication("east", spec(List.of("192.0.2.1"), null, null)))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage("GatewayExIp east: spec.port: missing (expected: the gateway port, 1-65535)");
    assertThatThrownBy(() -> GatewayExIps.checkPublication("east", spec(List.of(), 443, null)))
        .hasMessageContaining("spec.externalIps: missing");
  }
}
