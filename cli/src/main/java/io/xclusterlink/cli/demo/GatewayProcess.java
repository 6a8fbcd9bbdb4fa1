package io.xclusterlink.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One demo gateway running as a child process: {@code xcl gateway start ...} on the same JVM and
 * class path as this one, stdout and stderr into {@code DIR/PEER.log}. Construction does no I/O;
 * {@link #start} launches it, {@link #close} stops it (SIGTERM, then SIGKILL if it lingers).
 */
final class GatewayProcess implements AutoCloseable {
  /** The CLI's main class, named rather than referenced: the root command depends on the demo. */
  static final String MAIN_CLASS = "io.xclusterlink.cli.XclMain";

  static final String FABRIC = "demo";
  static final String HEARTBEAT = "300ms";
  private static final Duration GRACE = Duration.ofSeconds(10);

  private final DemoPeer peer;
  private final Path dir;
  private final Path log;
  private Process process;

  GatewayProcess(DemoPeer peer, Path dir) {
    this.peer = peer;
    this.dir = dir;
    this.log = dir.resolve(peer.name() + ".log");
  }

  /** The arguments of {@code xcl} that start this gateway, as a user would type them. */
  List<String> xclArguments() {
    return List.of(
        "gateway",
        "start",
        "--fabric",
        FABRIC,
        "--name",
        peer.name(),
        "--dir",
        dir.toString(),
        "--port",
        String.valueOf(peer.gatewayPort()),
        "--bind",
        DemoPeer.HOST,
        "--state-dir",
        peer.stateDir().toString(),
        "--label",
        "demo=" + peer.name(),
        "--heartbeat",
        HEARTBEAT,
        "--heartbeat-unreachable",
        HEARTBEAT);
  }

  GatewayProcess start() {
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(jvmOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN_CLASS);
    command.addAll(xclArguments());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = builder.start();
      // The gateway never reads stdin; closing our end keeps it away from the terminal.
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the gateway of " + peer.name() + ": " + e.getMessage(), e);
    }
    return this;
  }

  DemoPeer peer() {
    return peer;
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** The exit code, or -1 while it runs or before it started. */
  int exitCode() {
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  /** The last {@code lines} lines of its log, to explain why it did not come up. */
  List<String> logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  /** Asks the gateway to stop (SIGTERM, as Ctrl-C would) without waiting. */
  void requestStop() {
    if (process != null) {
      process.destroy();
    }
  }

  /** Stops the gateway as Ctrl-C would and waits for it to exit; true when it has exited. */
  boolean stop() throws InterruptedException {
    if (process == null) {
      return true;
    }
    process.destroy();
    if (await(process, GRACE)) {
      return true;
    }
    process.destroyForcibly();
    return await(process, GRACE);
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      if (process != null) {
        process.destroyForcibly();
      }
      Thread.currentThread().interrupt();
    }
  }

  private static boolean await(Process p, Duration timeout) throws InterruptedException {
    try {
      p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !p.isAlive();
    }
  }

  private static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The options this JVM was started with that a gateway needs too (native access on newer JDKs,
   * {@code -Dxcl.*} such as the log level), plus quick start-up: a demo gateway carries a handful
   * of connections, so the C1 compiler and the serial collector are plenty.
   */
  private static List<String> jvmOptions() {
    List<String> out = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--enable-native-access") || arg.startsWith("-Dxcl.")) {
        out.add(arg);
      }
    }
    return out;
  }
}
