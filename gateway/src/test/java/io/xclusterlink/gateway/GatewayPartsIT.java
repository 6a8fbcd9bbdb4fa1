package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.TestFabric.access;
import static io.xclusterlink.gateway.TestFabric.any;
import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.match;
import static io.xclusterlink.gateway.TestFabric.policy;
import static io.xclusterlink.gateway.TestFabric.src;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.store.EmbeddedStore;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway runs on the parts it is handed (the seam the Kubernetes mode plugs into): the store it
 * is given, opened once and closed with it, the admission it is given, and the client attributes
 * its resolver gives.
 */
class GatewayPartsIT {
  @TempDir Path dir;

  @Test
  void aGatewayUsesTheStoreAdmissionAndClientAttributesItIsHanded() throws Exception {
    try (TestFabric f = new TestFabric(dir, "p0", "p1")) {
      GatewayConfig config = f.gw("p1").config();
      f.gw("p1").close();
      AtomicInteger opened = new AtomicInteger();
      AtomicReference<Store> handed = new AtomicReference<>();
      Gateway p1 =
          new Gateway(
                  config,
                  new GatewayParts(
                      () -> {
                        opened.incrementAndGet();
                        handed.set(EmbeddedStore.open(config.stateDir()));
                        return handed.get();
                      },
                      store ->
                          incoming -> {
                            if (incoming.kind() == Kind.EXPORT) {
                              throw new InvalidObjectException("exports are not admitted here");
                            }
                            return incoming;
                          },
                      () -> address -> Map.of("client.xclusterlink.io/namespace", "shop")))
              .start();
      f.gateways.put("p1", p1);
      assertThat(p1.store()).isSameAs(handed.get());
      f.connectAll();

      // the admission it was handed decides the admin API's answer
      var refused =
          f.applyThroughAdminApi(
              "p1",
              "apiVersion: xclusterlink.io/v1alpha1\nkind: Export\nmetadata: {name: web}\n"
                  + "spec: {host: 127.0.0.1, port: 80}\n");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("exports are not admitted here");

      // p0 lets in only clients of namespace "shop": only the resolver can say that
      f.put("p0", f.export("p0", "echo"));
      f.put(
          "p0",
          policy("shop-only", "allow", match("client.xclusterlink.io/namespace", "shop"), any()));
      f.put("p1", policy("allow-all", "allow", any(), any()));
      f.put("p1", imp("echo", null, src("p0", "echo")));
      int port = f.targetPort("p1", "echo");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(access(port).toString()).isEqualTo("hello from p0"));

      p1.close();
      assertThat(opened).hasValue(1);
      assertThatThrownBy(() -> handed.get().put(f.export("p1", "late").normalized()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("is closed");
    }
  }
}
