package io.xclusterlink.kube.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.xclusterlink.api.Kind;
import io.xclusterlink.kube.crd.CrdFiles;
import io.xclusterlink.kube.crd.CrdGenerator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kustomize base {@code deploy/}: it lists every generated CRD, its RBAC covers every kind,
 * and, where kubectl is installed, what {@code kubectl kustomize} renders holds the generated CRDs
 * and a gateway that runs locked down; {@code deploy/check.sh} (CI's check of the manifests)
 * passes. Set {@code -Dxcl.kubectl.required=true} to fail rather than skip without kubectl.
 */
class DeployBaseTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final boolean KUBECTL_REQUIRED = Boolean.getBoolean("xcl.kubectl.required");
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @TempDir Path tmp;

  @Test
  void kustomizationListsEveryGeneratedCrd() throws IOException {
    JsonNode kustomization =
        new YAMLMapper().readTree(DEPLOY.resolve("kustomization.yaml").toFile());
    Set<String> listed = new TreeSet<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));

    Set<String> crds =
        CrdFiles.render().keySet().stream().map(f -> "crds/" + f).collect(Collectors.toSet());
    assertThat(listed).as("deploy/kustomization.yaml resources").containsAll(crds);
  }

  @Test
  void theGatewayMayWatchEveryKindAndWriteItsStatusButNoSecrets() throws IOException {
    ClusterRole role =
        objects(Files.readString(DEPLOY.resolve("rbac.yaml"))).stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .findFirst()
            .orElseThrow();

    for (Kind k : Kind.values()) {
      assertThat(allowed(role, k.plural())).as(k.plural()).contains("get", "list", "watch");
      assertThat(allowed(role, k.plural() + "/status")).as(k.plural()).contains("update", "patch");
    }
    for (PolicyRule r : role.getRules()) {
      assertThat(r.getResources()).doesNotContain("secrets", "*");
      assertThat(r.getVerbs()).doesNotContain("*");
    }
  }

  @Test
  void kubectlRendersTheGeneratedCrdsAndALockedDownGateway() throws Exception {
    String rendered = kubectl("kustomize", DEPLOY.toString());
    List<HasMetadata> objects = objects(rendered);

    CrdGenerator generator = new CrdGenerator();
    for (Kind k : Kind.values()) {
      CustomResourceDefinition crd =
          objects.stream()
              .filter(CustomResourceDefinition.class::isInstance)
              .map(CustomResourceDefinition.class::cast)
              .filter(c -> c.getMetadata().getName().equals(CrdGenerator.fileStem(k)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no CRD of " + k.kindName()));
      CustomResourceDefinition expected =
          serialization.unmarshal(generator.yaml(k), CustomResourceDefinition.class);
      // kustomize sorts keys: compare the trees, not the text
      assertThat(serialization.convertValue(crd, JsonNode.class))
          .as(k.kindName())
          .isEqualTo(serialization.convertValue(expected, JsonNode.class));
    }
    Deployment d =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    PodSecurityContext pod = d.getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getRunAsUser()).isEqualTo(10001L);
    SecurityContext c =
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext();
    assertThat(c.getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void theCiCheckScriptPasses() throws Exception {
    assumeKubectl();
    Result r = run(List.of("bash", DEPLOY.resolve("check.sh").toString(), "--no-install"));
    assumeTrue(r.exitCode() != 3 || KUBECTL_REQUIRED, "check.sh's tools are missing: " + r.err());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("check.sh: ok: deploy/ renders");
  }

  private static Set<String> allowed(ClusterRole role, String resource) {
    Set<String> verbs = new TreeSet<>();
    for (PolicyRule r : role.getRules()) {
      if (r.getApiGroups().contains(CrdGenerator.GROUP) && r.getResources().contains(resource)) {
        verbs.addAll(r.getVerbs());
      }
    }
    return verbs;
  }

  private List<HasMetadata> objects(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        out.add(serialization.unmarshal(doc, HasMetadata.class));
      }
    }
    return out;
  }

  private String kubectl(String... args) throws Exception {
    assumeKubectl();
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    Result r = run(command);
    assertThat(r.exitCode()).as("kubectl " + String.join(" ", args) + ": " + r.err()).isZero();
    return r.out();
  }

  private void assumeKubectl() throws Exception {
    boolean found;
    try {
      found = run(List.of("kubectl", "version", "--client")).exitCode() == 0;
    } catch (IOException notOnPath) {
      found = false;
    }
    assertThat(found || !KUBECTL_REQUIRED).as("kubectl on PATH (xcl.kubectl.required)").isTrue();
    assumeTrue(found, "kubectl is not installed");
  }

  record Result(int exitCode, String out, String err) {}

  /** Runs a command to its end (at most 2 minutes), its output in files so no pipe fills up. */
  private Result run(List<String> command) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end within 2 minutes");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
