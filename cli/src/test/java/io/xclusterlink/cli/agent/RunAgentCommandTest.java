package io.xclusterlink.cli.agent;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.cli.CliRun.Result;
import org.junit.jupiter.api.Test;

/** The agent's two modes and the usage errors of the object mode, before any I/O. */
class RunAgentCommandTest {
  @Test
  void exactlyOneOfConfigAndAdminIsAUsageError() {
    Result neither = run("agent", "run");
    Result both = run("agent", "run", "--config", "a.yaml", "--admin", "s.sock");

    for (Result r : new Result[] {neither, both}) {
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.err()).contains("--config FILE or --admin SOCKET (expected: exactly one");
    }
  }

  @Test
  void aGatewayNodeMustSayWhoItIsAndItsOwnAddresses() {
    Result noNode =
        run("agent", "run", "--admin", "s.sock", "--vpc", "v", "--transit-device", "tr0");
    Result noIp =
        run(
            "agent",
            "run",
            "--admin",
            "s.sock",
            "--vpc",
            "v",
            "--transit-device",
            "tr0",
            "--node",
            "a-g1",
            "--tunnel-ip",
            "100.64.0.11",
            "--transit-ip",
            "10.10.0.11",
            "--underlay-device",
            "ul0");
    Result badIp =
        run(
            "agent",
            "run",
            "--admin",
            "s.sock",
            "--vpc",
            "v",
            "--transit-device",
            "tr0",
            "--node",
            "a-g1",
            "--external-ip",
            "192.168.100.300");
    Result noVpc = run("agent", "run", "--admin", "s.sock", "--role", "router");
    Result badRole = run("agent", "run", "--admin", "s.sock", "--role", "spine");

    assertThat(noNode.exitCode()).isEqualTo(2);
    assertThat(noNode.err()).contains("--node: missing (expected: this gateway's name)");
    assertThat(noIp.err())
        .contains("--external-ip: missing (expected: a value for a gateway node)");
    assertThat(badIp.err())
        .contains("--external-ip: 192.168.100.300 (expected: a.b.c.d, each 0-255)");
    assertThat(noVpc.err()).contains("--vpc: missing (expected: the local Vpc's name)");
    assertThat(badRole.err()).contains("--role: spine (expected: gateway or router)");
  }
}
