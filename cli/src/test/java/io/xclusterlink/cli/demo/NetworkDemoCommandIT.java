package io.xclusterlink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xclusterlink.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code xcl demo network} end to end, as root runs it: the bed, 8 agent processes, the flows, the
 * crash, the revival, the clean-up. Asserts what the output says happened and that nothing is left
 * behind (namespaces, processes); timings are printed, not asserted.
 */
class NetworkDemoCommandIT {
  private static final Pattern SPREAD = Pattern.compile("spread:((?: a-g\\d \\d+,?)+)");
  private static final Pattern STALLED =
      Pattern.compile(
          "the (\\d+) flows of (a-g\\d) stalled \\d+-\\d+ ms .*; (\\d+) of (\\d+) resumed");
  private static final Pattern OTHERS =
      Pattern.compile(
          "the other (\\d+) flows did not stall: longest gap between echoes \\d+ ms; 0 moved");

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void buildsTheBedSpreadsFlowsCrashesAGatewayRevivesItAndCleansUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: network namespaces");

    CliRun.Result r = CliRun.run("demo", "network", "--no-wait");

    String text = r.out();
    assertThat(r.exitCode()).as("exit code; stderr: %s%nstdout:%n%s", r.err(), text).isZero();
    assertThat(text).contains("all 8 agents programmed their kernels");
    Matcher spread = SPREAD.matcher(text);
    assertThat(spread.find()).as("the spread line in:%n%s", text).isTrue();
    assertThat(spread.group(1).trim().split(","))
        .as("gateways carrying flows")
        .hasSizeGreaterThan(1);
    Matcher stalled = STALLED.matcher(text);
    assertThat(stalled.find()).as("the stall line in:%n%s", text).isTrue();
    assertThat(stalled.group(3)).as("resumed").isEqualTo(stalled.group(4));
    assertThat(Integer.parseInt(stalled.group(1))).isPositive();
    assertThat(text).containsPattern(OTHERS);
    assertThat(text)
        .contains("took " + stalled.group(2) + " back")
        .contains("active flows moved by its return: 0")
        .contains("Every step behaved as expected")
        .contains("Cleaning up");
    assertThat(netns()).as("namespaces left behind").doesNotContain("xcl-l3-");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
        .as("agent processes left behind")
        .isEmpty();
  }

  @Test
  void refusesWithOneLineWhenTheBedIsInUse() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: network namespaces");
    assumeTrue(!netns().contains("xcl-l3-"), "the bed is in use by something else");
    new ProcessBuilder("ip", "netns", "add", "xcl-l3-hub").start().waitFor(10, TimeUnit.SECONDS);
    try {
      CliRun.Result r = CliRun.run("demo", "network", "--no-wait");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err())
          .startsWith("xcl demo network: the L3 bed's namespaces are in use (1 xcl-l3-*")
          .contains("down");
      assertThat(r.out()).doesNotContain("Building");
    } finally {
      new ProcessBuilder("ip", "netns", "del", "xcl-l3-hub").start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String netns() throws Exception {
    Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }
}
