package io.xclusterlink.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class MockServerSmokeTest {
  KubernetesClient client;

  @Test
  void crudModeStoresCustomResources() {
    ResourceDefinitionContext ctx =
        new ResourceDefinitionContext.Builder()
            .withGroup("xclusterlink.io")
            .withVersion("v1alpha1")
            .withKind("Import")
            .withPlural("imports")
            .withNamespaced(true)
            .build();
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("xclusterlink.io/v1alpha1")
            .withKind("Import")
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", Map.of("port", 80)))
            .build();
    client.genericKubernetesResources(ctx).inNamespace("default").resource(r).create();
    GenericKubernetesResource back =
        client.genericKubernetesResources(ctx).inNamespace("default").withName("web").get();
    assertThat(back.getMetadata().getResourceVersion()).isNotBlank();
    assertThat(((Map<?, ?>) back.getAdditionalProperties().get("spec")).get("port")).isEqualTo(80);
  }
}
