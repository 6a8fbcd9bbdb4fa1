package io.xclusterlink.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeKeysTest {

  @Test
  void peerLabelsBecomePrefixedAttributes() {
    assertThat(AttributeKeys.peer("p1", Map.of("env", "prod", "zone", "a")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "peer.xclusterlink.io/name", "p1",
                "peer.xclusterlink.io/labels.env", "prod",
                "peer.xclusterlink.io/labels.zone", "a"));
  }

  @Test
  void exportAttributesHoldNameNamespaceAndPrefixedLabels() {
    assertThat(AttributeKeys.export("db", "shop", Map.of("tier", "data")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "export.xclusterlink.io/name", "db",
                "export.xclusterlink.io/namespace", "shop",
                "export.xclusterlink.io/labels.tier", "data"));
  }

  @Test
  void clientAttributesHoldNamespaceServiceAccountAndPrefixedLabels() {
    assertThat(AttributeKeys.client("shop", "web", Map.of("app", "web")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "client.xclusterlink.io/namespace", "shop",
                "client.xclusterlink.io/service-account", "web",
                "client.xclusterlink.io/labels.app", "web"));
  }

  @Test
  void nullOrEmptyPartsAreOmitted() {
    assertThat(AttributeKeys.client(null, "", null)).isEmpty();
    assertThat(AttributeKeys.client("shop", null, Map.of()))
        .containsExactlyEntriesOf(Map.of(AttributeKeys.CLIENT_NAMESPACE, "shop"));
    assertThat(AttributeKeys.peer(null, Map.of("env", "prod")))
        .containsExactlyEntriesOf(Map.of(AttributeKeys.PEER_LABEL_PREFIX + "env", "prod"));
    assertThat(AttributeKeys.export("db", null, null))
        .containsExactlyEntriesOf(Map.of(AttributeKeys.EXPORT_NAME, "db"));
  }

  @Test
  void mergeUnitesPartsAndSkipsNulls() {
    Map<String, String> withNullValue = new HashMap<>();
    withNullValue.put("x", null);
    assertThat(
            AttributeKeys.merge(
                AttributeKeys.peer("p1", Map.of()),
                null,
                withNullValue,
                AttributeKeys.client("ns", null, null)))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(AttributeKeys.PEER_NAME, "p1", AttributeKeys.CLIENT_NAMESPACE, "ns"));
    assertThat(AttributeKeys.merge()).isEmpty();
  }

  @Test
  void mergeKeepsTheFirstValueSoReceivedAttributesCannotOverrideTrustedOnes() {
    Map<String, String> trusted = AttributeKeys.peer("p1", Map.of());
    Map<String, String> received =
        Map.of(AttributeKeys.PEER_NAME, "spoofed", "client.xclusterlink.io/namespace", "ns");
    assertThat(AttributeKeys.merge(trusted, received))
        .containsEntry(AttributeKeys.PEER_NAME, "p1")
        .containsEntry("client.xclusterlink.io/namespace", "ns");
  }

  @Test
  void helperMapsAreUnmodifiable() {
    Map<String, String> m = AttributeKeys.peer("p1", Map.of());
    assertThatThrownBy(() -> m.put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
  }
}
