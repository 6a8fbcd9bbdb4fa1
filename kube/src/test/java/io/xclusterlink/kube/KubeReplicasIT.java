package io.xclusterlink.kube;

import static io.xclusterlink.kube.KubeFabric.NS;
import static io.xclusterlink.kube.KubeFabric.allowAll;
import static io.xclusterlink.kube.KubeFabric.apply;
import static io.xclusterlink.kube.KubeFabric.ask;
import static io.xclusterlink.kube.KubeFabric.condition;
import static io.xclusterlink.kube.KubeFabric.get;
import static io.xclusterlink.kube.KubeFabric.importYaml;
import static io.xclusterlink.kube.KubeFabric.peerYaml;
import static io.xclusterlink.kube.KubeFabric.targetPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Kind;
import io.xclusterlink.gateway.Gateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of peer p1 against one API server (west), each with its import listeners on its own
 * loopback address as two pods would have: both carry traffic, only the Lease holder writes status
 * (the status messages name the writer's address), and the other takes over when it goes.
 */
class KubeReplicasIT {
  static final Map<String, String> ADDRESS = Map.of("p1-a", "127.0.0.2", "p1-b", "127.0.0.3");

  @TempDir Path dir;
  KubeFabric fabric;
  MockCluster east;
  MockCluster west;
  EchoServer backend;
  Gateway p0;
  Map<String, Gateway> replicas;

  @BeforeEach
  void start() throws Exception {
    fabric = new KubeFabric(dir, "p0", "p1");
    east = new MockCluster();
    west = new MockCluster();
    backend = new EchoServer("hello from p0");
    p0 = fabric.start("p0", "p0-a", "127.0.0.1", east);
    Gateway a = fabric.start("p1", "p1-a", ADDRESS.get("p1-a"), west);
    Gateway b = fabric.start("p1", "p1-b", ADDRESS.get("p1-b"), west);
    replicas = new java.util.HashMap<>(Map.of("p1-a", a, "p1-b", b));
    apply(
        east.client,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Peer\nmetadata: {name: p1}\nspec:\n"
            + "  gateways: [{host: 127.0.0.1, port: "
            + a.tunnelAddress().getPort()
            + "}, {host: 127.0.0.1, port: "
            + b.tunnelAddress().getPort()
            + "}]\n");
    apply(west.client, peerYaml("p0", p0.tunnelAddress().getPort()));
    apply(east.client, allowAll("allow-all"));
    apply(west.client, allowAll("allow-all"));
    apply(
        east.client,
        "apiVersion: xclusterlink.io/v1alpha1\nkind: Export\nmetadata: {name: web, namespace:"
            + " shop}\nspec: {host: 127.0.0.1, port: "
            + backend.port()
            + "}\n");
  }

  @AfterEach
  void stop() throws Exception {
    fabric.close();
    backend.close();
    east.close();
    west.close();
  }

  private String holder() {
    Lease l = west.client.leases().inNamespace(NS).withName("xcl-gateway-p1").get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  private String importMessage(String name) {
    Map<String, Object> c =
        condition(get(west.client, Kind.IMPORT, name), Condition.IMPORT_TARGET_PORT_VALID);
    return c == null ? null : (String) c.get("message");
  }

  @Test
  void bothReplicasCarryTrafficOnlyTheLeaderWritesStatusAndTheOtherTakesOver() {
    await().atMost(Duration.ofSeconds(30)).until(() -> holder() != null);
    String leader = holder();
    String follower = leader.equals("p1-a") ? "p1-b" : "p1-a";

    apply(west.client, importYaml("web", "p0"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> targetPort(get(west.client, Kind.IMPORT, "web")) != null);
    int port = targetPort(get(west.client, Kind.IMPORT, "web"));
    for (String replica : ADDRESS.keySet()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "hello from p0".equals(ask(ADDRESS.get(replica), port)));
    }
    // the status is the leader's, and stays so while both reconcile every change
    String leaderSays = "listening on " + ADDRESS.get(leader) + ":" + port;
    await().atMost(Duration.ofSeconds(30)).until(() -> leaderSays.equals(importMessage("web")));
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(30))
        .until(() -> leaderSays.equals(importMessage("web")));

    // the leader goes; the follower takes the Lease and writes the status its way
    replicas.remove(leader).close();
    await().atMost(Duration.ofSeconds(30)).until(() -> follower.equals(holder()));
    String followerSays = "listening on " + ADDRESS.get(follower) + ":" + port;
    await().atMost(Duration.ofSeconds(30)).until(() -> followerSays.equals(importMessage("web")));
    assertThat(ask(ADDRESS.get(follower), port)).isEqualTo("hello from p0");

    // and allocates the ports of new imports
    apply(west.client, importYaml("api", "p0").replace("exportName: api", "exportName: web"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> targetPort(get(west.client, Kind.IMPORT, "api")) != null);
    int apiPort = targetPort(get(west.client, Kind.IMPORT, "api"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "hello from p0".equals(ask(ADDRESS.get(follower), apiPort)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> west.client.services().inNamespace(NS).withName("api").get() != null);
  }
}
