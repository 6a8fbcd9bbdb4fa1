package io.xclusterlink.kube.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.LbScheme;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.schema.MinItems;
import io.xclusterlink.api.schema.Pattern;
import io.xclusterlink.api.schema.Range;
import io.xclusterlink.api.schema.Required;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CrdGeneratorTest {
  private final CrdGenerator generator = new CrdGenerator();
  private final RecordSchema schemas = new RecordSchema(ObjectCodec.json());

  @ParameterizedTest
  @EnumSource(Kind.class)
  void everyKindHasOneServedStoredVersionWithStatusAndItsScope(Kind kind) {
    CustomResourceDefinition crd = generator.crd(kind);

    assertThat(crd.getMetadata().getName()).isEqualTo(kind.plural() + ".xclusterlink.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("xclusterlink.io");
    assertThat(crd.getSpec().getScope()).isEqualTo(kind.namespaced() ? "Namespaced" : "Cluster");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo(kind.kindName());
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo(kind.plural());
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
    assertThat(v.getName()).isEqualTo("v1alpha1");
    assertThat(v.getServed()).isTrue();
    assertThat(v.getStorage()).isTrue();
    assertThat(v.getSubresources().getStatus()).isNotNull();
    JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
    assertThat(root.getProperties()).containsKeys("apiVersion", "kind", "metadata", "spec");
    assertThat(root.getRequired()).contains("spec");
  }

  @Test
  void namespacedAndClusterScopedKindsAreTheFiveOfTheIssue() {
    assertThat(generator.crd(Kind.PEER).getSpec().getScope()).isEqualTo("Cluster");
    assertThat(generator.crd(Kind.PRIVILEGED_ACCESS_POLICY).getSpec().getScope())
        .isEqualTo("Cluster");
    assertThat(generator.crd(Kind.IMPORT).getSpec().getScope()).isEqualTo("Namespaced");
  }

  @Test
  void importsShowPortTargetPortSchemeAndReadiness() {
    List<CustomResourceColumnDefinition> columns =
        version(Kind.IMPORT).getAdditionalPrinterColumns();

    assertThat(columns)
        .extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Port", "Target Port", "LB Scheme", "Ready", "Service", "Age");
    assertThat(columns)
        .extracting(CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(
            ".spec.port",
            ".spec.targetPort",
            ".spec.lbScheme",
            ".status.conditions[?(@.type==\"ImportTargetPortValid\")].status",
            ".status.conditions[?(@.type==\"ImportServiceValid\")].status",
            ".metadata.creationTimestamp");
  }

  @Test
  void peersShowWhetherTheyAreReachable() {
    assertThat(version(Kind.PEER).getAdditionalPrinterColumns())
        .anySatisfy(
            c -> {
              assertThat(c.getName()).isEqualTo("Reachable");
              assertThat(c.getJsonPath())
                  .isEqualTo(".status.conditions[?(@.type==\"PeerReachable\")].status");
            });
  }

  @Test
  void importSpecCarriesRangesEnumsPatternsAndRequiredFields() {
    JSONSchemaProps spec = root(Kind.IMPORT).getProperties().get("spec");

    assertThat(spec.getRequired()).containsExactly("port", "sources");
    JSONSchemaProps port = spec.getProperties().get("port");
    assertThat(port.getType()).isEqualTo("integer");
    assertThat(port.getMinimum()).isEqualTo(1.0);
    assertThat(port.getMaximum()).isEqualTo(65535.0);
    assertThat(spec.getProperties().get("lbScheme").getEnum())
        .extracting(JsonNode::asText)
        .containsExactly("round-robin", "random", "static");
    assertThat(spec.getProperties().get("sources").getMinItems()).isEqualTo(1L);
    JSONSchemaProps source = spec.getProperties().get("sources").getItems().getSchema();
    assertThat(source.getRequired()).containsExactly("peer", "exportName");
    assertThat(source.getProperties().get("peer").getPattern())
        .isEqualTo("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
    assertThat(source.getProperties().get("peer").getMaxLength()).isEqualTo(63L);
    assertThat(source.getProperties().get("weight").getMaximum()).isEqualTo(1000.0);
  }

  @Test
  void policySpellsActionsAndOperatorsAsUsersWriteThem() {
    JSONSchemaProps spec = root(Kind.ACCESS_POLICY).getProperties().get("spec");
    JSONSchemaProps requirement =
        spec.getProperties()
            .get("from")
            .getItems()
            .getSchema()
            .getProperties()
            .get("workloadSelector")
            .getProperties()
            .get("matchExpressions")
            .getItems()
            .getSchema();

    assertThat(spec.getProperties().get("action").getEnum())
        .extracting(JsonNode::asText)
        .containsExactly("allow", "deny");
    assertThat(requirement.getProperties().get("operator").getEnum())
        .extracting(JsonNode::asText)
        .containsExactly("In", "NotIn", "Exists", "DoesNotExist");
    assertThat(requirement.getRequired()).containsExactly("key", "operator");
  }

  @Test
  void statusHasConditionsAndLabelsWithoutPreservingUnknownFields() {
    JSONSchemaProps status = root(Kind.PEER).getProperties().get("status");
    JSONSchemaProps condition = status.getProperties().get("conditions").getItems().getSchema();

    assertThat(condition.getProperties())
        .containsOnlyKeys(
            "type", "status", "reason", "message", "lastTransitionTime", "observedGeneration");
    assertThat(condition.getProperties().get("observedGeneration").getFormat()).isEqualTo("int64");
    assertThat(status.getProperties().get("labels").getAdditionalProperties().getSchema().getType())
        .isEqualTo("string");
    String yaml = String.join("\n", CrdFiles.render().values());
    assertThat(yaml).doesNotContain("x-kubernetes-preserve-unknown-fields");
  }

  @Test
  void yamlIsAParseableCrdAndStableAcrossRuns() {
    String yaml = generator.yaml(Kind.EXPORT);

    KubernetesSerialization serialization = new KubernetesSerialization();
    CustomResourceDefinition back = serialization.unmarshal(yaml, CustomResourceDefinition.class);
    assertThat(back.getSpec().getNames().getKind()).isEqualTo("Export");
    assertThat(serialization.asYaml(back)).isEqualTo(yaml);
    assertThat(new CrdGenerator().yaml(Kind.EXPORT)).isEqualTo(yaml);
  }

  // ---- the walk over any record, as a new kind's record would be walked ----------------------

  enum Colour {
    @JsonProperty("light-red")
    RED,
    BLUE
  }

  record Inner(@Required @Range(min = 2, max = 9) Integer n, Boolean flag) {}

  record Everything(
      @JsonProperty("renamed") @Required String original,
      @JsonIgnore String hidden,
      Long big,
      @MinItems(2) List<Inner> inners,
      Map<String, Integer> counts,
      Set<String> tags,
      Colour colour,
      @Pattern(value = "^x+$", maxLength = 5) String xs,
      LbScheme scheme) {}

  @Test
  void walksAnyRecordGenerically() {
    JSONSchemaProps s = schemas.of(Everything.class);

    assertThat(s.getProperties().keySet())
        .containsExactly("renamed", "big", "inners", "counts", "tags", "colour", "xs", "scheme");
    assertThat(s.getRequired()).containsExactly("renamed");
    assertThat(s.getProperties().get("big").getFormat()).isEqualTo("int64");
    JSONSchemaProps inners = s.getProperties().get("inners");
    assertThat(inners.getMinItems()).isEqualTo(2L);
    JSONSchemaProps inner = inners.getItems().getSchema();
    assertThat(inner.getRequired()).containsExactly("n");
    assertThat(inner.getProperties().get("n").getMinimum()).isEqualTo(2.0);
    assertThat(inner.getProperties().get("flag").getType()).isEqualTo("boolean");
    assertThat(s.getProperties().get("counts").getAdditionalProperties().getSchema().getType())
        .isEqualTo("integer");
    assertThat(s.getProperties().get("tags").getType()).isEqualTo("array");
    assertThat(s.getProperties().get("colour").getEnum())
        .extracting(JsonNode::asText)
        .containsExactly("light-red", "BLUE");
    assertThat(s.getProperties().get("xs").getMaxLength()).isEqualTo(5L);
  }

  record FreeForm(JsonNode config, Map<String, Object> extras, double ratio) {}

  @Test
  void keepsUnknownFieldsOnlyWhereTheRecordIsFreeForm() {
    JSONSchemaProps s = schemas.of(FreeForm.class);

    assertThat(s.getProperties().get("config").getXKubernetesPreserveUnknownFields()).isTrue();
    assertThat(
            s.getProperties()
                .get("extras")
                .getAdditionalProperties()
                .getSchema()
                .getXKubernetesPreserveUnknownFields())
        .isTrue();
    assertThat(s.getProperties().get("ratio").getType()).isEqualTo("number");
    assertThat(s.getXKubernetesPreserveUnknownFields()).isNull();
  }

  record Odd(java.time.Duration timeout) {}

  record MisplacedRange(@Range(min = 1, max = 2) String text) {}

  @Test
  void refusesTypesAndAnnotationsItCannotExpressNamingTheField() {
    assertThatThrownBy(() -> schemas.of(Odd.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Odd.timeout: no schema for type java.time.Duration");
    assertThatThrownBy(() -> schemas.of(MisplacedRange.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MisplacedRange.text: @Range on a field of type string");
  }

  private CustomResourceDefinitionVersion version(Kind kind) {
    return generator.crd(kind).getSpec().getVersions().get(0);
  }

  private JSONSchemaProps root(Kind kind) {
    return version(kind).getSchema().getOpenAPIV3Schema();
  }
}
