package io.xclusterlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.XclObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each gateway publishes its own GatewayExIps over the peer channel; its peers store them as
 * learned (labelled with the certificate's peer name), replace them when they change, delete them
 * when they are withdrawn or the Peer goes, and never publish them further.
 */
class GatewayExIpSyncIT {
  @TempDir Path dir;

  private static GatewayExIp gw(String name, String external, String tunnelIp) {
    return new GatewayExIp(
        ObjectMeta.of(name, "default"),
        new GatewayExIp.Spec(
            List.of(external), null, null, "vpc-b", null, tunnelIp, "10.20.0.11", List.of()),
        null);
  }

  private static List<GatewayExIp> learned(TestFabric f, String at) {
    return f.gw(at).store().list(Kind.GATEWAY_EX_IP, null).stream()
        .map(GatewayExIp.class::cast)
        .filter(g -> g.learnedFrom() != null)
        .toList();
  }

  @Test
  void gatewayExIpsArePublishedLearnedReplacedAndWithdrawn() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0", "p1")) {
      f.connectAll();
      f.put("p1", gw("b-g1", "192.168.100.21", "100.64.0.21"));
      f.put("p1", gw("b-g2", "192.168.100.22", "100.64.0.22"));
      f.put("p0", gw("a-g1", "192.168.100.11", "100.64.0.11"));

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(learned(f, "p0")).hasSize(2));
      GatewayExIp b1 =
          (GatewayExIp)
              f.gw("p0")
                  .store()
                  .get(new ObjectKey(Kind.GATEWAY_EX_IP, "default", "p1.b-g1"))
                  .orElseThrow();
      assertThat(b1.metadata().labels())
          .containsEntry(GatewayExIp.PEER_LABEL, "p1")
          .containsEntry(GatewayExIp.LEARNED_LABEL, "true");
      assertThat(b1.nodeName()).isEqualTo("b-g1");
      assertThat(b1.spec().externalIps()).containsExactly("192.168.100.21");
      assertThat(b1.spec().tunnelIp()).isEqualTo("100.64.0.21");
      // p1 learned p0's one, and did not publish back what it learned: p0 learns only p1's own
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(learned(f, "p1"))
                      .extracting(g -> g.metadata().name())
                      .containsExactly("p0.a-g1"));

      // a change is replaced, a withdrawal deleted
      f.put("p1", gw("b-g1", "192.168.100.31", "100.64.0.21"));
      f.gw("p1").store().delete(new ObjectKey(Kind.GATEWAY_EX_IP, "default", "b-g2"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(learned(f, "p0"))
                      .singleElement()
                      .satisfies(
                          g -> {
                            assertThat(g.metadata().name()).isEqualTo("p1.b-g1");
                            assertThat(g.spec().externalIps()).containsExactly("192.168.100.31");
                          }));

      // a Peer deleted takes what it published with it; p0's own one stays
      f.gw("p0").store().delete(new ObjectKey(Kind.PEER, null, "p1"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(learned(f, "p0")).isEmpty());
      List<XclObject> own = f.gw("p0").store().list(Kind.GATEWAY_EX_IP, null);
      assertThat(own).extracting(o -> o.metadata().name()).containsExactly("a-g1");
      assertThat(own.get(0).metadata().labels()).isEqualTo(Map.of());
    }
  }
}
