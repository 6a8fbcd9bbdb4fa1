package io.xclusterlink.cli.gateway;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.admin.AdminTcp;
import io.xclusterlink.cli.CliRun.Result;
import io.xclusterlink.cli.XclMain;
import io.xclusterlink.gateway.config.GatewayConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;

class StartGatewayCommandTest {
  @TempDir Path dir;

  private static StartGatewayCommand command(String... args) {
    ParseResult parsed = XclMain.commandLine().parseArgs(args);
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return (StartGatewayCommand) parsed.commandSpec().userObject();
  }

  @Test
  void theBrokerPublishesTheAddressesGivenAndRefusesToGuessNone() throws Exception {
    Path kubeconfig = dir.resolve("broker.kubeconfig");
    java.nio.file.Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n");
    String[] base = {
      "gateway",
      "start",
      "--fabric",
      "acme",
      "--name",
      "east",
      "--dir",
      "/pki",
      "--port",
      "8443",
      "--state-dir",
      "/state",
      "--broker-kubeconfig",
      kubeconfig.toString()
    };
    StartGatewayCommand withIps =
        command(
            concat(
                base,
                "--broker-external-ip",
                "192.0.2.10",
                "--broker-external-ip",
                "192.0.2.11",
                "--broker-namespace",
                "brk"));
    assertThat(withIps.brokerAddresses()).containsExactly("192.0.2.10", "192.0.2.11");
    assertThat(withIps.brokerNamespace).isEqualTo("brk");

    if (System.getenv("POD_IP") == null) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> command(base).brokerAddresses())
          .hasMessage(
              "--broker-kubeconfig: no address to publish (expected --broker-external-ip IP, or"
                  + " $POD_IP in a pod)");
    }
    String[] missing = base.clone();
    missing[missing.length - 1] = dir.resolve("nope").toString();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> command(concat(missing, "--broker-external-ip", "192.0.2.10")).brokerAddresses())
        .hasMessageContaining("--broker-kubeconfig: ")
        .hasMessageContaining("cannot be read (expected a kubeconfig file)");
    assertThat(
            command(
                    "gateway",
                    "start",
                    "--fabric",
                    "a",
                    "--name",
                    "e",
                    "--dir",
                    "/p",
                    "--port",
                    "1")
                .brokerAddresses())
        .isEmpty();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static GatewayConfig parse(String... args) {
    ParseResult parsed = XclMain.commandLine().parseArgs(args);
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return ((StartGatewayCommand) parsed.commandSpec().userObject()).config();
  }

  @Test
  void buildsTheConfigFromTheOptions() {
    GatewayConfig c =
        parse(
            "gateway",
            "start",
            "--fabric",
            "acme",
            "--name",
            "east",
            "--dir",
            "/pki",
            "--port",
            "8443",
            "--bind",
            "127.0.0.1",
            "--admin-listen",
            "127.0.0.1:9555",
            "--admin-token-file",
            "/token",
            "--admin-mtls",
            "--state-dir",
            "/state",
            "--label",
            "zone=eu",
            "--label",
            "tier=gold",
            "--import-address",
            "127.0.0.2",
            "--workloads",
            "/w.yaml",
            "--heartbeat",
            "500ms",
            "--heartbeat-unreachable",
            "2m",
            "--jdk-tls");

    assertThat(c.peerName()).isEqualTo("east");
    assertThat(c.credentialsDir()).isEqualTo(Path.of("/pki/acme/east"));
    assertThat(c.listen().getHostString()).isEqualTo("127.0.0.1");
    assertThat(c.listen().getPort()).isEqualTo(8443);
    assertThat(c.admin().socket()).isEqualTo(Path.of("/state/admin.sock"));
    assertThat(c.admin().tcp())
        .isEqualTo(new AdminTcp(new InetSocketAddress("127.0.0.1", 9555), true, Path.of("/token")));
    assertThat(c.stateDir()).isEqualTo(Path.of("/state"));
    assertThat(c.labels()).isEqualTo(Map.of("zone", "eu", "tier", "gold"));
    assertThat(c.importAddress()).isEqualTo("127.0.0.2");
    assertThat(c.workloadsFile()).isEqualTo(Path.of("/w.yaml"));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.heartbeatIntervalUnreachable()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.preferOpenSsl()).isFalse();
  }

  @Test
  void defaultsMatchTheReadme() {
    GatewayConfig c =
        parse(
            "gateway",
            "start",
            "--fabric",
            "acme",
            "--name",
            "east",
            "--port",
            "8443",
            "--state-dir",
            "s");

    assertThat(c.credentialsDir()).isEqualTo(Path.of("./acme/east"));
    assertThat(c.listen().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(c.admin().socket()).isEqualTo(Path.of("s/admin.sock"));
    assertThat(c.admin().tcp()).isNull();
    assertThat(c.importAddress()).isEqualTo("127.0.0.1");
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.heartbeatIntervalUnreachable()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.preferOpenSsl()).isTrue();
    assertThat(c.labels()).isEmpty();
  }

  @Test
  void acceptsAdminAddressAsAnotherSpellingOfAdminListen() {
    GatewayConfig c =
        parse(
            "gateway",
            "start",
            "--fabric",
            "f",
            "--name",
            "p",
            "--port",
            "0",
            "--state-dir",
            "s",
            "--admin-address",
            ":9600",
            "--admin-token-file",
            "t",
            "--admin-socket",
            "/run/xcl.sock");

    assertThat(c.admin().tcp().address().getHostString()).isEqualTo("127.0.0.1");
    assertThat(c.admin().tcp().address().getPort()).isEqualTo(9600);
    assertThat(c.admin().socket()).isEqualTo(Path.of("/run/xcl.sock"));
  }

  @Test
  void adminAuthenticationWithoutATcpListenerIsAUsageError() {
    Result r =
        run(
            "gateway",
            "start",
            "--fabric",
            "f",
            "--name",
            "p",
            "--port",
            "1",
            "--state-dir",
            "s",
            "--admin-token-file",
            "t");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("--admin-token-file without --admin-listen (expected: --admin-listen HOST:PORT");
  }

  @Test
  void portOutOfRangeIsAUsageErrorShowingTheValue() {
    Result r =
        run(
            "gateway",
            "start",
            "--fabric",
            "f",
            "--name",
            "p",
            "--port",
            "70000",
            "--state-dir",
            "s");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'70000' (expected: a port 0-65535)").hasLineCount(1);
  }

  @Test
  void badAdminAddressAndDurationAreUsageErrors() {
    Result admin =
        run(
            "gateway",
            "start",
            "--fabric",
            "f",
            "--name",
            "p",
            "--port",
            "1",
            "--state-dir",
            "s",
            "--admin",
            "9443");
    Result duration =
        run(
            "gateway",
            "start",
            "--fabric",
            "f",
            "--name",
            "p",
            "--port",
            "1",
            "--state-dir",
            "s",
            "--heartbeat",
            "0s");

    assertThat(admin.exitCode()).isEqualTo(2);
    assertThat(admin.err()).contains("'9443' (expected: HOST:PORT such as 127.0.0.1:9443)");
    assertThat(duration.exitCode()).isEqualTo(2);
    assertThat(duration.err())
        .contains("'0s' (expected: a positive duration such as 500ms, 1s, 2m)");
  }

  @Test
  void missingCredentialsExitOneWithAHint() {
    Result r =
        run(
            "gateway",
            "start",
            "--fabric",
            "acme",
            "--name",
            "east",
            "--dir",
            dir.toString(),
            "--port",
            "0",
            "--state-dir",
            dir.resolve("state").toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("xcl: no credentials for peer east in " + dir.resolve("acme/east"))
        .contains("xcl peer-cert create --fabric acme --name east")
        .hasLineCount(1);
  }
}
