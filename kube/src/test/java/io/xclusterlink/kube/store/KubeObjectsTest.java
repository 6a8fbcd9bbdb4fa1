package io.xclusterlink.kube.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.LbScheme;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeObjectsTest {
  static final Import IMP = build();

  static Import imp() {
    return IMP;
  }

  private static Import build() {
    return new Import(
        new ObjectMeta("db", "shop", Map.of("team", "a"), "7", 3L),
        new Import.Spec(
            5432, 40000, List.of(new Import.Source("p0", "db", "shop")), LbScheme.STATIC),
        Status.EMPTY.withCondition(Condition.IMPORT_TARGET_PORT_VALID, true, "Listening", "ok"));
  }

  @Test
  void anObjectSurvivesTheRoundTripWithItsVersions() {
    GenericKubernetesResource r = KubeObjects.toResource(imp(), null);
    r.getMetadata().setGeneration(3L);
    r.setAdditionalProperty(
        "status", io.xclusterlink.api.ObjectCodec.json().convertValue(imp().status(), Map.class));

    XclObject back = KubeObjects.toObject(Kind.IMPORT, r);

    assertThat(back).isEqualTo(imp());
    assertThat(r.getApiVersion()).isEqualTo("xclusterlink.io/v1alpha1");
    assertThat(r.getKind()).isEqualTo("Import");
  }

  @Test
  void writingKeepsTheStatusAndWhatTheRecordsDoNotKnow() {
    GenericKubernetesResource base = KubeObjects.toResource(imp(), null);
    base.setMetadata(
        new ObjectMetaBuilder(base.getMetadata())
            .withUid("u-1")
            .withAnnotations(Map.of("note", "kept"))
            .withOwnerReferences(new OwnerReferenceBuilder().withName("x").build())
            .build());
    base.setAdditionalProperty("status", Map.of("conditions", List.of()));
    Import changed =
        imp()
            .withSpec(imp().spec().withTargetPort(40001))
            .withMetadata(ObjectMeta.of("db", "shop"));

    GenericKubernetesResource r = KubeObjects.toResource(changed, base);

    assertThat(r.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(r.getMetadata().getAnnotations()).containsEntry("note", "kept");
    assertThat(r.getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(r.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(r.getMetadata().getLabels()).isNull();
    assertThat(r.getAdditionalProperties()).containsKey("status");
    assertThat(((Map<?, ?>) r.getAdditionalProperties().get("spec")).get("targetPort"))
        .isEqualTo(40001);
  }

  @Test
  void clusterScopedKindsHaveNoNamespace() {
    Peer p =
        new Peer(
            ObjectMeta.of("p0", null),
            new Peer.Spec(List.of(new Peer.GatewayAddress("10.0.0.1", 443))),
            Status.EMPTY);
    GenericKubernetesResource r = KubeObjects.toResource(p, null);
    r.getMetadata().setNamespace("ignored");
    assertThat(KubeObjects.toObject(Kind.PEER, r).metadata().namespace()).isNull();
    assertThat(KubeObjects.context(Kind.PEER).isNamespaceScoped()).isFalse();
  }

  @Test
  void aResourceThatDoesNotFitIsRefusedWithItsFieldPath() {
    GenericKubernetesResource r = KubeObjects.toResource(imp(), null);
    r.setAdditionalProperty("spec", Map.of("port", "eighty"));
    assertThatThrownBy(() -> KubeObjects.toObject(Kind.IMPORT, r))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageStartingWith("Import shop/db: spec.port");
    r.getAdditionalProperties().remove("spec");
    assertThatThrownBy(() -> KubeObjects.toObject(Kind.IMPORT, r))
        .hasMessage("Import shop/db: spec: missing (expected: a spec)");
  }
}
