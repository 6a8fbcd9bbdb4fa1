package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.TestFabric.access;
import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.src;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.control.GatedStore;
import io.xclusterlink.gateway.control.Leadership;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane's seams over real gateways: heartbeats and the data path do not wait for status
 * writes, and a replica that is not the leader serves its imports but writes nothing.
 */
class ControlPlaneIT {
  @TempDir Path dir;

  /** A leadership a test switches; runs the callbacks on the switching thread. */
  static final class SwitchedLeadership implements Leadership {
    private final AtomicBoolean leader;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

    SwitchedLeadership(boolean initially) {
      leader = new AtomicBoolean(initially);
    }

    @Override
    public boolean isLeader() {
      return leader.get();
    }

    @Override
    public void onChange(Runnable callback) {
      callbacks.add(callback);
    }

    void set(boolean next) {
      leader.set(next);
      callbacks.forEach(Runnable::run);
    }
  }

  /** Replaces p1's gateway with one on a gated store and the given leadership. */
  private static Gateway restartP1(
      TestFabric f, AtomicReference<GatedStore> gated, Leadership leadership) {
    GatewayConfig config = f.gw("p1").config();
    f.gw("p1").close();
    GatewayParts standalone = GatewayParts.standalone(config);
    Gateway p1 =
        new Gateway(
                config,
                new GatewayParts(
                        () -> {
                          gated.set(new GatedStore(standalone.store().get()));
                          return gated.get();
                        },
                        standalone.admission(),
                        standalone.workloads())
                    .withLeadership(leadership))
            .start();
    f.gateways.put("p1", p1);
    return p1;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static Import withTargetPort(Import i, int port) {
    return i.withSpec(i.spec().withTargetPort(port));
  }

  @SuppressWarnings("unchecked")
  private static boolean reachableInSnapshot(Gateway g, String peer) {
    List<Map<String, Object>> peers =
        (List<Map<String, Object>>) g.controlPlane().snapshot().get("peers");
    return peers.stream()
        .anyMatch(p -> peer.equals(p.get("name")) && Boolean.TRUE.equals(p.get("reachable")));
  }

  @Test
  void heartbeatsAndTunnelsDoNotWaitForStatusWrites() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0", "p1")) {
      AtomicReference<GatedStore> gated = new AtomicReference<>();
      Gateway p1 = restartP1(f, gated, Leadership.ALWAYS);
      gated.get().closeGate();
      f.put("p0", f.export("p0", "echo"));
      f.allowAll();
      int port = freePort();
      f.put("p1", withTargetPort(imp("echo", null, src("p0", "echo")), port));
      f.connectAll();

      // the status writer is held in the store; reachability and tunnels go on without it
      await().atMost(Duration.ofSeconds(10)).until(() -> gated.get().waiting() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> reachableInSnapshot(p1, "p0"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(access(port).toString()).isEqualTo("hello from p0"));
      assertThat(f.reachable("p1", "p0")).isFalse();

      gated.get().open();
      await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p1", "p0"));
      Condition c =
          status(p1, new ObjectKey(Kind.PEER, null, "p0"))
              .condition(Condition.PEER_REACHABLE)
              .orElseThrow();
      assertThat(c.observedGeneration()).isEqualTo(1L);
    }
  }

  @Test
  void aReplicaThatIsNotTheLeaderServesImportsButWritesNeitherStatusNorPorts() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0", "p1")) {
      AtomicReference<GatedStore> gated = new AtomicReference<>();
      SwitchedLeadership leadership = new SwitchedLeadership(false);
      Gateway p1 = restartP1(f, gated, leadership);
      f.put("p0", f.export("p0", "echo"));
      f.allowAll();
      int fixed = freePort();
      f.put("p1", withTargetPort(imp("fixed", null, src("p0", "echo")), fixed));
      f.put("p1", imp("auto", null, src("p0", "echo")));
      f.connectAll();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(access(fixed).toString()).isEqualTo("hello from p0"));
      await().atMost(Duration.ofSeconds(10)).until(() -> reachableInSnapshot(p1, "p0"));
      f.sync("p1");
      ObjectKey auto = new ObjectKey(Kind.IMPORT, "default", "auto");
      assertThat(((Import) p1.store().get(auto).orElseThrow()).spec().targetPort()).isNull();
      for (Kind k : List.of(Kind.PEER, Kind.IMPORT)) {
        for (XclObject o : p1.store().list(k, null)) {
          assertThat(o.status()).as("status of %s", o.key()).isEqualTo(Status.EMPTY);
        }
      }
      assertThat(gated.get().statusWrites()).isZero();

      leadership.set(true);

      int allocated = f.targetPort("p1", "auto");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(access(allocated).toString()).isEqualTo("hello from p0"));
      await().atMost(Duration.ofSeconds(10)).until(() -> f.reachable("p1", "p0"));
      f.sync("p1");
      Status fixedStatus = status(p1, new ObjectKey(Kind.IMPORT, "default", "fixed"));
      assertThat(fixedStatus.condition(Condition.IMPORT_TARGET_PORT_VALID).orElseThrow())
          .satisfies(
              c -> {
                assertThat(c.isTrue()).isTrue();
                assertThat(c.observedGeneration()).isEqualTo(1L);
              });
      // the port written back is a spec change: the import's second generation
      XclObject autoNow = p1.store().get(auto).orElseThrow();
      assertThat(autoNow.metadata().generation()).isEqualTo(2L);
      assertThat(
              autoNow
                  .status()
                  .condition(Condition.IMPORT_TARGET_PORT_VALID)
                  .orElseThrow()
                  .observedGeneration())
          .isEqualTo(2L);
    }
  }

  private static Status status(Gateway g, ObjectKey key) {
    return g.store().get(key).orElseThrow().status();
  }
}
