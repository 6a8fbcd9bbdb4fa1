package io.xclusterlink.cli.deploy;

import io.xclusterlink.api.Validation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xcl deploy peer --fabric F --name P --dir D}: prints the whole install of one peer's
 * gateway as one multi-document YAML, so that {@code xcl deploy peer ... | kubectl apply -f -} is
 * the install. The certificates go into a Secret: the output is as secret as {@code tls.key}.
 */
@Command(
    name = "peer",
    description =
        "Print one peer's Kubernetes install (CRDs, namespace, RBAC, certificates Secret,"
            + " Deployment, Service) as YAML for `kubectl apply -f -`.")
public final class DeployPeerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--fabric",
      required = true,
      paramLabel = "FABRIC",
      description = "The fabric's name.")
  String fabric;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "PEER",
      description = "The peer's name (its certificate's DNS SAN).")
  String name;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".",
      description =
          "Folder that holds the fabric's folder; the certificates are read from DIR/FABRIC/PEER"
              + " (default: the current folder).")
  Path dir;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      defaultValue = PeerManifests.BASE_NAMESPACE,
      description = "Namespace of the gateway (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "The xcl image (default: the one deploy/deployment.yaml names).")
  String image;

  @Option(
      names = "--broker-kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig of the broker cluster (with --broker-namespace).")
  Path brokerKubeconfig;

  @Option(
      names = "--broker-namespace",
      paramLabel = "NS",
      description = "Namespace of the broker (with --broker-kubeconfig).")
  String brokerNamespace;

  @Override
  public Integer call() {
    Validation.name("--name", name);
    Validation.name("--namespace", namespace);
    if ((brokerKubeconfig == null) != (brokerNamespace == null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--broker-kubeconfig and --broker-namespace go together (expected: both or neither)");
    }
    PeerManifests.Broker broker = null;
    if (brokerKubeconfig != null) {
      Validation.name("--broker-namespace", brokerNamespace);
      broker =
          new PeerManifests.Broker(
              read(brokerKubeconfig, "--broker-kubeconfig: cannot read "), brokerNamespace);
    }
    Path credentials = dir.resolve(fabric).resolve(name);
    String missing =
        "--dir: no credentials of peer "
            + name
            + " in "
            + credentials
            + " (expected ca.crt, tls.crt, tls.key from: xcl peer-cert create --fabric "
            + fabric
            + " --name "
            + name
            + " --dir "
            + dir
            + ")";
    PeerManifests.Credentials creds =
        new PeerManifests.Credentials(
            read(credentials.resolve("ca.crt"), missing + "; cannot read "),
            read(credentials.resolve("tls.crt"), missing + "; cannot read "),
            read(credentials.resolve("tls.key"), missing + "; cannot read "));
    String yaml =
        new PeerManifests()
            .yaml(new PeerManifests.Install(fabric, name, namespace, image, creds, broker));
    PrintWriter out = spec.commandLine().getOut();
    out.print(yaml);
    out.flush();
    return 0;
  }

  private byte[] read(Path file, String problem) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), problem + file);
    }
  }
}
