package io.xclusterlink.cli.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the install of one peer from the base {@code deploy/}: the base's example names ({@value
 * #BASE_NAMESPACE}, {@value #BASE_FABRIC}, {@value #BASE_PEER}) replaced by the peer's, its
 * certificates as the Secret the Deployment mounts, and, with a broker, the broker kubeconfig as a
 * Secret and the flags that use it. Pure: values in, objects out.
 */
final class PeerManifests {
  static final String BASE_NAMESPACE = "xcl-system";
  static final String BASE_FABRIC = "my-fabric";
  static final String BASE_PEER = "my-peer";
  static final String PEER_LABEL = "xclusterlink.io/peer";
  static final String PART_OF = "app.kubernetes.io/part-of";

  static final String CERTS_VOLUME = "peer-certs";
  static final String BROKER_SECRET = "xcl-broker-kubeconfig";
  static final String BROKER_VOLUME = "broker-kubeconfig";
  static final String BROKER_DIR = "/etc/xcl/broker";
  static final String BROKER_FILE = "kubeconfig";

  /** The peer's credentials as {@code xcl peer-cert create} wrote them, by file name. */
  record Credentials(byte[] caCrt, byte[] tlsCrt, byte[] tlsKey) {}

  /** A broker to publish to and discover from. */
  record Broker(byte[] kubeconfig, String namespace) {}

  /** What the install is of; {@code image} null keeps the base's; {@code broker} may be null. */
  record Install(
      String fabric,
      String peer,
      String namespace,
      String image,
      Credentials credentials,
      Broker broker) {}

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  /** The objects to apply, in order: CRDs, Namespace, RBAC, Secrets, Deployment, Service. */
  List<HasMetadata> render(Install install) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata o : InstallBase.load(serialization, "")) {
      rename(o, install);
      if (o instanceof Deployment d) {
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        out.add(certificates(install, secretName(pod)));
        if (install.broker() != null) {
          out.add(brokerKubeconfig(install));
        }
        gateway(d, install);
      }
      out.add(o);
    }
    return out;
  }

  /** The objects as one multi-document YAML stream. */
  String yaml(Install install) {
    StringBuilder sb = new StringBuilder();
    sb.append("# The install of peer ")
        .append(install.peer())
        .append(" of fabric ")
        .append(install.fabric())
        .append(" (xcl deploy peer): kubectl apply -f -\n");
    for (HasMetadata o : render(install)) {
      String doc = serialization.asYaml(o);
      sb.append(doc.startsWith("---") ? doc : "---\n" + doc);
      if (!doc.endsWith("\n")) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** Namespace, subjects and peer labels of any object of the base. */
  private static void rename(HasMetadata o, Install install) {
    if (o instanceof Namespace && BASE_NAMESPACE.equals(o.getMetadata().getName())) {
      o.getMetadata().setName(install.namespace());
    }
    if (BASE_NAMESPACE.equals(o.getMetadata().getNamespace())) {
      o.getMetadata().setNamespace(install.namespace());
    }
    if (o instanceof ClusterRoleBinding b) {
      subjects(b.getSubjects(), install.namespace());
    }
    if (o instanceof RoleBinding b) {
      subjects(b.getSubjects(), install.namespace());
    }
    relabel(o.getMetadata().getLabels(), install.peer());
    if (o instanceof Service s) {
      relabel(s.getSpec().getSelector(), install.peer());
    }
  }

  private static void subjects(List<Subject> subjects, String namespace) {
    for (Subject s : subjects) {
      if (BASE_NAMESPACE.equals(s.getNamespace())) {
        s.setNamespace(namespace);
      }
    }
  }

  private static void relabel(Map<String, String> labels, String peer) {
    if (labels != null && labels.containsKey(PEER_LABEL)) {
      labels.put(PEER_LABEL, peer);
    }
  }

  private static void gateway(Deployment d, Install install) {
    relabel(d.getSpec().getSelector().getMatchLabels(), install.peer());
    relabel(d.getSpec().getTemplate().getMetadata().getLabels(), install.peer());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    if (install.image() != null) {
      c.setImage(install.image());
    }
    List<String> args = new ArrayList<>(c.getArgs());
    setArg(args, "--fabric", install.fabric());
    setArg(args, "--name", install.peer());
    String dir = arg(args, "--dir");
    mount(c, CERTS_VOLUME).setMountPath(dir + "/" + install.fabric() + "/" + install.peer());
    if (install.broker() != null) {
      args.addAll(
          List.of(
              "--broker-kubeconfig",
              BROKER_DIR + "/" + BROKER_FILE,
              "--broker-namespace",
              install.broker().namespace()));
      pod.getVolumes()
          .add(
              new VolumeBuilder()
                  .withName(BROKER_VOLUME)
                  .withNewSecret()
                  .withSecretName(BROKER_SECRET)
                  .withDefaultMode(0440)
                  .endSecret()
                  .build());
      c.getVolumeMounts()
          .add(
              new VolumeMountBuilder()
                  .withName(BROKER_VOLUME)
                  .withMountPath(BROKER_DIR)
                  .withReadOnly(true)
                  .build());
    }
    c.setArgs(args);
  }

  private static String secretName(PodSpec pod) {
    for (Volume v : pod.getVolumes()) {
      if (CERTS_VOLUME.equals(v.getName()) && v.getSecret() != null) {
        return v.getSecret().getSecretName();
      }
    }
    throw new IllegalStateException("deploy/deployment.yaml: no Secret volume " + CERTS_VOLUME);
  }

  private static VolumeMount mount(Container c, String volume) {
    return c.getVolumeMounts().stream()
        .filter(m -> volume.equals(m.getName()))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("deploy/deployment.yaml: no mount of " + volume));
  }

  private static String arg(List<String> args, String flag) {
    int i = args.indexOf(flag);
    if (i < 0 || i + 1 >= args.size()) {
      throw new IllegalStateException("deploy/deployment.yaml: no " + flag + " argument");
    }
    return args.get(i + 1);
  }

  private static void setArg(List<String> args, String flag, String value) {
    arg(args, flag);
    args.set(args.indexOf(flag) + 1, value);
  }

  private Secret certificates(Install install, String name) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("ca.crt", base64(install.credentials().caCrt()));
    data.put("tls.crt", base64(install.credentials().tlsCrt()));
    data.put("tls.key", base64(install.credentials().tlsKey()));
    return secret(name, install, data);
  }

  private Secret brokerKubeconfig(Install install) {
    return secret(
        BROKER_SECRET, install, Map.of(BROKER_FILE, base64(install.broker().kubeconfig())));
  }

  private static Secret secret(String name, Install install, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(install.namespace())
        .addToLabels(PART_OF, "xclusterlink")
        .addToLabels(PEER_LABEL, install.peer())
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
