package io.xclusterlink.kube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.store.EmbeddedStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/broker/role.yaml grants exactly the verbs the broker client uses, on GatewayExIps only:
 * every request of a broker through publish, re-publish after a delete and after a foreign change,
 * another peer's arrival and withdrawal, and its own withdrawal, mapped to its RBAC verb.
 */
class BrokerRoleTest {
  static final String NS = "xcl-broker";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  static GatewayExIp.Spec spec(int port) {
    return new GatewayExIp.Spec(List.of("127.0.0.1"), port, null, null, null, null, null, null);
  }

  @Test
  void theRoleGrantsExactlyTheVerbsTheBrokerUses() throws Exception {
    JsonNode role =
        new ObjectMapper(new YAMLFactory())
            .readTree(Files.readString(Path.of("..", "deploy", "broker", "role.yaml")));
    assertThat(role.path("kind").asText()).isEqualTo("Role");
    assertThat(role.path("metadata").path("namespace").asText()).isEqualTo(NS);
    JsonNode rules = role.path("rules");
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).path("apiGroups").toString()).isEqualTo("[\"xclusterlink.io\"]");
    assertThat(rules.get(0).path("resources").toString()).isEqualTo("[\"gatewayexips\"]");
    Set<String> granted = new TreeSet<>();
    rules.get(0).path("verbs").forEach(v -> granted.add(v.asText()));

    Set<String> used = new TreeSet<>();
    try (BrokerServer server = new BrokerServer();
        EmbeddedStore west = EmbeddedStore.open(dir.resolve("west"));
        EmbeddedStore east = EmbeddedStore.open(dir.resolve("east"))) {
      KubernetesClient admin = server.client("test-admin");
      var objects = admin.genericKubernetesResources(GatewayExIps.CONTEXT).inNamespace(NS);
      Broker b =
          new Broker(BrokerConfig.of("west", NS, spec(7001)), server.client("broker"), west)
              .start();
      Broker other =
          new Broker(BrokerConfig.of("east", NS, spec(7002)), server.client("test-east"), east)
              .start();
      await()
          .atMost(WAIT)
          .until(() -> west.get(new ObjectKey(Kind.PEER, null, "east")).isPresent());
      objects.withName("west").delete();
      await().atMost(WAIT).until(() -> objects.withName("west").get() != null);
      GenericKubernetesResource changed = GatewayExIps.toResource(NS, "west", "west", spec(9));
      changed
          .getMetadata()
          .setResourceVersion(objects.withName("west").get().getMetadata().getResourceVersion());
      objects.resource(changed).update();
      await()
          .atMost(WAIT)
          .until(() -> GatewayExIps.parse(objects.withName("west").get()).spec().port() == 7001);
      other.close();
      await().atMost(WAIT).until(() -> west.get(new ObjectKey(Kind.PEER, null, "east")).isEmpty());
      b.close();
      assertThat(objects.withName("west").get()).isNull();

      for (RecordedRequest r : server.take()) {
        if ("broker".equals(r.getHeader("User-Agent"))) {
          assertThat(r.getPath())
              .startsWith("/apis/xclusterlink.io/v1alpha1/namespaces/xcl-broker/gatewayexips");
          used.add(verb(r));
        }
      }
    }
    assertThat(used).isEqualTo(granted);
  }

  /** The RBAC verb of a request to the gatewayexips collection or one of its objects. */
  static String verb(RecordedRequest r) {
    String path = r.getPath();
    String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    boolean collection = plain.endsWith("/gatewayexips");
    return switch (r.getMethod()) {
      case "GET" -> path.contains("watch=true") ? "watch" : collection ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> collection ? "deletecollection" : "delete";
      default -> r.getMethod();
    };
  }
}
