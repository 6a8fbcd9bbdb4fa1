package io.xclusterlink.cli.objects;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.cli.CliRun.Result;
import io.xclusterlink.gateway.Gateway;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xcl apply} against a real gateway: an object that is stored but not ready is named on
 * stderr.
 */
class ApplyNotReadyIT {
  @TempDir Path dir;

  @Test
  void anImportWhosePortIsTakenIsStoredWithAWarningAndListensOnceThePortIsFree() throws Exception {
    FabricCa.createFabric(dir, "acme", KeyType.EC_P256);
    FabricCa.createPeer(dir, "acme", "west", KeyType.EC_P256);
    GatewayConfig config =
        GatewayConfig.defaults(
            "west",
            dir.resolve("acme/west"),
            new InetSocketAddress("127.0.0.1", 0),
            null,
            dir.resolve("state"));
    ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    int port = taken.getLocalPort();
    try (Gateway west = new Gateway(config).start()) {
      Path file =
          Files.writeString(
              dir.resolve("import.yaml"),
              """
          apiVersion: xclusterlink.io/v1alpha1
          kind: Peer
          metadata: {name: east}
          spec: {gateways: [{host: 127.0.0.1, port: 1}]}
          ---
          apiVersion: xclusterlink.io/v1alpha1
          kind: Import
          metadata: {name: web}
          spec:
            port: 80
            targetPort: %d
            sources: [{peer: east, exportName: web}]
          """
                  .formatted(port));

      Result r =
          run(
              "--admin",
              dir.resolve("state/admin.sock").toString(),
              "apply",
              "-f",
              file.toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("peer east created\nimport default/web created\n");
      // a new Peer has not been heartbeaten yet: that is no warning
      assertThat(r.err()).hasLineCount(1);
      assertThat(r.err())
          .startsWith(
              "warning: import default/web is stored but not ready: ImportTargetPortValid=False,"
                  + " ImportServiceValid=False (PortUnavailable): port "
                  + port
                  + " on 127.0.0.1: ")
          .contains("trying again in");
      taken.close();
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(
              () -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                  return true;
                }
              });
      Result again =
          run(
              "--admin",
              dir.resolve("state/admin.sock").toString(),
              "apply",
              "-f",
              file.toString());
      assertThat(again.out()).isEqualTo("peer east unchanged\nimport default/web unchanged\n");
      assertThat(again.err()).isEmpty();
    }
  }
}
