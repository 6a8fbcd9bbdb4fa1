package io.xclusterlink.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kustomize base {@code deploy/} as the kube module ships it on the classpath (its files
 * copied, its CRDs generated at build time): the objects of every resource its {@code
 * kustomization.yaml} lists, in that order. One copy of the manifests serves {@code kubectl apply
 * -k deploy/} and {@code xcl deploy peer}.
 */
final class InstallBase {
  /** The classpath folder of the base, and of the broker's at {@code deploy/broker}. */
  static final String ROOT = "/deploy/";

  private InstallBase() {}

  /** Loads the objects of the base at {@code folder} (e.g. {@code "" } or {@code "broker/"}). */
  static List<HasMetadata> load(KubernetesSerialization serialization, String folder) {
    JsonNode kustomization;
    try {
      kustomization = new YAMLMapper().readTree(read(folder + "kustomization.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ROOT + folder + "kustomization.yaml", e);
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      String file = folder + resource.asText();
      for (String doc : read(file).split("(?m)^---\\s*$")) {
        if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
          objects.add(serialization.unmarshal(doc, HasMetadata.class));
        }
      }
    }
    if (objects.isEmpty()) {
      throw new IllegalStateException(ROOT + folder + "kustomization.yaml lists no objects");
    }
    return objects;
  }

  private static String read(String file) {
    try (InputStream in = InstallBase.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        throw new IllegalStateException(ROOT + file + " is not on the classpath (built by kube)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ROOT + file, e);
    }
  }
}
