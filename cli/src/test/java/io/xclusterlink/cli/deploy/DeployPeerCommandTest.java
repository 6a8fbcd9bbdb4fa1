package io.xclusterlink.cli.deploy;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.xclusterlink.api.Kind;
import io.xclusterlink.cli.CliRun.Result;
import io.xclusterlink.cli.XclMain;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DeployPeerCommandTest {
  @TempDir Path dir;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @BeforeEach
  void createPeerCredentials() {
    FabricCa.createFabric(dir, "acme", KeyType.EC_P256);
    FabricCa.createPeer(dir, "acme", "east", KeyType.EC_P256);
  }

  @Test
  void printsTheWholeInstallOfAPeerInOneStream() throws Exception {
    Result r = run("deploy", "peer", "--fabric", "acme", "--name", "east", "--dir", dir.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<HasMetadata> objects = parse(r.out());
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly(
            "CustomResourceDefinition/accesspolicies.xclusterlink.io",
            "CustomResourceDefinition/exports.xclusterlink.io",
            "CustomResourceDefinition/gatewayexips.xclusterlink.io",
            "CustomResourceDefinition/imports.xclusterlink.io",
            "CustomResourceDefinition/peers.xclusterlink.io",
            "CustomResourceDefinition/privilegedaccesspolicies.xclusterlink.io",
            "CustomResourceDefinition/vpcnattunnels.xclusterlink.io",
            "CustomResourceDefinition/vpcs.xclusterlink.io",
            "Namespace/xcl-system",
            "ServiceAccount/xcl-gateway",
            "ClusterRole/xcl-gateway",
            "ClusterRoleBinding/xcl-gateway",
            "Role/xcl-gateway-leader-election",
            "RoleBinding/xcl-gateway-leader-election",
            "Secret/xcl-peer-certs",
            "Deployment/xcl-gateway",
            "Service/xcl-gateway");
    assertThat(objects.stream().filter(o -> o.getKind().equals("CustomResourceDefinition")))
        .hasSize(Kind.values().length);
  }

  @Test
  void theSecretHoldsThePeersCertificatesAndTheFabricCa() throws Exception {
    Result r = run("deploy", "peer", "--fabric", "acme", "--name", "east", "--dir", dir.toString());

    Secret secret = one(parse(r.out()), Secret.class);
    Path peerDir = dir.resolve("acme").resolve("east");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("xcl-system");
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "tls.crt", "tls.key");
    for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
      assertThat(Base64.getDecoder().decode(secret.getData().get(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(peerDir.resolve(file)));
    }
    assertThat(Files.readAllBytes(peerDir.resolve("ca.crt")))
        .isEqualTo(Files.readAllBytes(dir.resolve("acme").resolve("ca.crt")));
  }

  @Test
  void theGatewayRunsAsThePeerWithItsCertificatesMountedWhereItLooks() throws Exception {
    Result r = run("deploy", "peer", "--fabric", "acme", "--name", "east", "--dir", dir.toString());

    List<HasMetadata> objects = parse(r.out());
    Deployment d = one(objects, Deployment.class);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("xclusterlink/xcl:0.1.0");
    assertThat(String.join(" ", c.getArgs()))
        .startsWith("gateway start --store kubernetes --fabric acme --name east --dir /etc/xcl/pki")
        .contains("--health-listen 0.0.0.0:8081")
        .doesNotContain("my-peer")
        .doesNotContain("--broker");
    assertThat(mount(c, "peer-certs").getMountPath()).isEqualTo("/etc/xcl/pki/acme/east");
    assertThat(
            d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("peer-certs"))
                .findFirst()
                .orElseThrow()
                .getSecret()
                .getDefaultMode())
        .as("0440")
        .isEqualTo(0440);
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .containsEntry("xclusterlink.io/peer", "east");
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("xclusterlink.io/peer", "east")
        .containsEntry("app.kubernetes.io/name", "xcl-gateway");
    assertThat(one(objects, Service.class).getSpec().getSelector())
        .containsEntry("xclusterlink.io/peer", "east");
    assertThat(one(objects, Service.class).getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(r.out()).doesNotContain("my-peer").doesNotContain("my-fabric");
  }

  @Test
  void honoursNamespaceAndImage() throws Exception {
    Result r =
        run(
            "deploy",
            "peer",
            "--fabric",
            "acme",
            "--name",
            "east",
            "--dir",
            dir.toString(),
            "--namespace",
            "xcl-east",
            "--image",
            "registry.example/xcl:dev");

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<HasMetadata> objects = parse(r.out());
    assertThat(one(objects, Namespace.class).getMetadata().getName()).isEqualTo("xcl-east");
    for (HasMetadata o : objects) {
      if (!List.of("CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding")
          .contains(o.getKind())) {
        assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo("xcl-east");
      }
    }
    assertThat(one(objects, ClusterRoleBinding.class).getSubjects())
        .allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("xcl-east"));
    assertThat(one(objects, RoleBinding.class).getSubjects())
        .allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("xcl-east"));
    assertThat(
            one(objects, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("registry.example/xcl:dev");
    assertThat(r.out()).doesNotContain("xcl-system");
  }

  @Test
  void withABrokerShipsItsKubeconfigAndPointsTheGatewayAtIt() throws Exception {
    Path kubeconfig = dir.resolve("broker.kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\n");

    Result r =
        run(
            "deploy",
            "peer",
            "--fabric",
            "acme",
            "--name",
            "east",
            "--dir",
            dir.toString(),
            "--broker-kubeconfig",
            kubeconfig.toString(),
            "--broker-namespace",
            "xcl-broker");

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<HasMetadata> objects = parse(r.out());
    Secret broker =
        objects.stream()
            .filter(
                o ->
                    o instanceof Secret s
                        && s.getMetadata().getName().equals("xcl-broker-kubeconfig"))
            .map(Secret.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(Base64.getDecoder().decode(broker.getData().get("kubeconfig")))
        .isEqualTo(Files.readAllBytes(kubeconfig));
    Container c =
        one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(String.join(" ", c.getArgs()))
        .contains("--broker-kubeconfig /etc/xcl/broker/kubeconfig --broker-namespace xcl-broker");
    assertThat(mount(c, "broker-kubeconfig").getMountPath()).isEqualTo("/etc/xcl/broker");
    assertThat(mount(c, "broker-kubeconfig").getReadOnly()).isTrue();
  }

  @Test
  void refusesABrokerFlagWithoutTheOther() {
    Result r =
        run(
            "deploy",
            "peer",
            "--fabric",
            "acme",
            "--name",
            "east",
            "--dir",
            dir.toString(),
            "--broker-namespace",
            "xcl-broker");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("--broker-kubeconfig and --broker-namespace go together")
        .doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void refusesAPeerWithoutCredentialsNamingTheFolderAndTheFix() {
    Result r = run("deploy", "peer", "--fabric", "acme", "--name", "west", "--dir", dir.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("--dir: no credentials of peer west in " + dir.resolve("acme").resolve("west"))
        .contains("xcl peer-cert create --fabric acme --name west");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void refusesANameThatIsNotADnsName() {
    Result r = run("deploy", "peer", "--fabric", "acme", "--name", "East", "--dir", dir.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("--name: 'East'");
  }

  /** Flags the gateway gains in Kubernetes mode, on another branch (kube) as this is written. */
  @Test
  void theGatewayIsStartedOnlyWithFlagsOfGatewayStart() throws Exception {
    Path kubeconfig = dir.resolve("broker.kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n");
    Result r =
        run(
            "deploy",
            "peer",
            "--fabric",
            "acme",
            "--name",
            "east",
            "--dir",
            dir.toString(),
            "--broker-kubeconfig",
            kubeconfig.toString(),
            "--broker-namespace",
            "xcl-broker");
    List<String> args =
        one(parse(r.out()), Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getArgs();
    CommandLine start =
        XclMain.commandLine().getSubcommands().get("gateway").getSubcommands().get("start");

    assertThat(args.subList(0, 2)).containsExactly("gateway", "start");
    for (String arg : args) {
      if (arg.startsWith("--")) {
        assertThat(start.getCommandSpec().findOption(arg)).as("gateway start " + arg).isNotNull();
      }
    }
  }

  private List<HasMetadata> parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        out.add(serialization.unmarshal(doc, HasMetadata.class));
      }
    }
    return out;
  }

  private static <T> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static VolumeMount mount(Container c, String name) {
    return c.getVolumeMounts().stream()
        .filter(m -> name.equals(m.getName()))
        .findFirst()
        .orElseThrow();
  }
}
