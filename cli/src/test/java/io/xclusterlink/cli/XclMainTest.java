package io.xclusterlink.cli;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.cli.CliRun.Result;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class XclMainTest {
  @Test
  void printsVersionAndExitsZero() {
    Result r = run("version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("xcl ").contains("java ");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void theAgentsShortPathIsTheSameCommandAsInTheWholeTree() {
    assertThat(XclMain.isAgentRun(new String[] {"agent", "run", "--config", "a.yaml"})).isTrue();
    assertThat(XclMain.isAgentRun(new String[] {"agent"})).isFalse();
    assertThat(XclMain.isAgentRun(new String[] {"get", "run"})).isFalse();
    String whole =
        XclMain.commandLine()
            .getSubcommands()
            .get("agent")
            .getSubcommands()
            .get("run")
            .getUsageMessage();
    String alone =
        XclMain.agentCommandLine()
            .getSubcommands()
            .get("agent")
            .getSubcommands()
            .get("run")
            .getUsageMessage();
    assertThat(alone).isEqualTo(whole).startsWith("Usage: xcl agent run ");
    assertThat(alone).contains("-h, --help", "-V, --version", "--verbose");
  }

  @Test
  void theAgentsShortPathAnswersVersionAndHelpLikeTheWholeTree() {
    for (String[] args :
        new String[][] {
          {"agent", "run", "--version"}, {"agent", "run", "-h"}, {"agent", "--help"}
        }) {
      java.io.StringWriter whole = new java.io.StringWriter();
      java.io.StringWriter alone = new java.io.StringWriter();
      int wholeCode = XclMain.commandLine().setOut(new java.io.PrintWriter(whole)).execute(args);
      int aloneCode =
          XclMain.agentCommandLine().setOut(new java.io.PrintWriter(alone)).execute(args);
      assertThat(aloneCode).isEqualTo(wholeCode).isZero();
      assertThat(alone.toString()).isEqualTo(whole.toString()).isNotEmpty();
    }
  }

  @Test
  void theAgentsShortPathReportsAUsageErrorLikeTheWholeTree() {
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        XclMain.agentCommandLine()
            .setErr(new java.io.PrintWriter(err))
            .execute("agent", "run", "--frobnicate");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("xcl: Unknown option: '--frobnicate' (see 'xcl agent run --help')\n");
  }

  @Test
  void everyCommandAnswersTheHelpItsUsageErrorsPointTo() {
    Result r = run("get", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("Usage: xcl get ");
    Result agent = run("agent", "run", "--help");
    assertThat(agent.exitCode()).isZero();
    assertThat(agent.out()).startsWith("Usage: xcl agent run ");
  }

  @Test
  void printsHelpAndExitsZero() {
    Result r = run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("fabric", "peer-cert", "gateway", "apply", "get", "delete", "status");
  }

  @Test
  void missingCommandIsAUsageError() {
    Result r = run();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("xcl: missing command").hasLineCount(1);
  }

  @Test
  void missingSubcommandOfAGroupNamesTheChoices() {
    Result r = run("fabric");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("xcl: missing command (expected one of: create) (see 'xcl fabric --help')\n");
  }

  @Test
  void unknownOptionIsAOneLineUsageError() {
    Result r = run("get", "imports", "--frobnicate");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("xcl: ").contains("--frobnicate").hasLineCount(1);
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    Result r = run("peer-cert", "create", "--fabric", "demo");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("xcl: Missing required option")
        .contains("--name")
        .hasLineCount(1);
  }

  @Test
  void unknownKindIsAUsageErrorNamingTheKinds() {
    Result r = run("get", "widgets");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'widgets'", "import", "accesspolicy").hasLineCount(1);
  }

  @Test
  void badOutputFormatIsAUsageError() {
    Result r = run("get", "imports", "-o", "xml");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("xml").hasLineCount(1);
  }

  @Test
  void namespaceAndAllNamespacesTogetherIsAUsageError() {
    Result r = run("get", "imports", "-n", "prod", "-A");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("xcl: -n and -A cannot be used together (see 'xcl get --help')\n");
  }

  @Test
  void badAdminUrlIsAUsageError() {
    Result r = run("--admin", "ftp://somewhere", "status");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "'ftp://somewhere' (expected: a socket path such as ./state/admin.sock or"
                + " unix:///abs/path/admin.sock, or a URL such as https://127.0.0.1:9443)");
  }

  @Test
  void unreachableAdminApiSaysSoInOneLine() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = run("--admin", "http://127.0.0.1:" + port, "get", "imports");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "xcl: cannot reach the gateway admin API at http://127.0.0.1:"
                + port
                + " (is `xcl gateway start` running?)\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void verboseAddsTheStackTraceAfterTheOneLineMessage() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = run("--admin", "127.0.0.1:" + port, "status", "--verbose");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("xcl: cannot reach the gateway admin API").contains("\tat ");
  }
}
