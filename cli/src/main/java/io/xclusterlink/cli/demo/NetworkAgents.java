package io.xclusterlink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The network demo's agents: one {@code xcl agent run --config} child process per router and
 * gateway, started inside its namespace with {@code ip netns exec}, each logging to {@code
 * DIR/agent-NODE.log}; through the {@code xcl} launcher of this build when there is one (as a user
 * starts them: the agent's own class path, archive and JVM options), else on this JVM's class path
 * (tests run from classes). Stopped with SIGTERM (then SIGKILL) on close.
 */
final class NetworkAgents implements AutoCloseable {
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Path> logs = new LinkedHashMap<>();

  /** Starts one agent per node; returns the command a user would type for each. */
  List<String> start(NetworkBed bed, Path logDir) throws IOException {
    List<String> typed = new ArrayList<>();
    for (JsonNode n : bed.nodes()) {
      String ns = n.path("ns").asText();
      String config = n.path("config").asText();
      Path log = logDir.resolve("agent-" + ns.substring(NetworkBed.PREFIX.length()) + ".log");
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
      Optional<Path> launcher = launcher(codeSource());
      if (launcher.isPresent()) {
        cmd.add(launcher.get().toString());
      } else {
        cmd.add(javaCommand());
        cmd.addAll(jvmOptions());
        cmd.addAll(
            List.of("-cp", System.getProperty("java.class.path"), GatewayProcess.MAIN_CLASS));
      }
      cmd.addAll(List.of("agent", "run", "--config", config));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // the launcher's agents get the user's XCL_JAVA_OPTS from the environment, as this JVM did,
      // and run this build as it is (no rebuild under the demo's feet if a source changed)
      pb.environment().put("XCL_NO_BUILD", "1");
      Process p = pb.start();
      p.getOutputStream().close();
      processes.put(ns, p);
      logs.put(ns, log);
      typed.add("ip netns exec " + ns + " xcl agent run --config " + config + " &");
    }
    return typed;
  }

  /** Whether every agent has logged its first reconcile; throws if one has exited. */
  boolean allReconciled() {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (!e.getValue().isAlive()) {
        throw new IllegalStateException(
            "the agent in " + e.getKey() + " exited with " + e.getValue().exitValue());
      }
      if (NetworkBed.lines(logs.get(e.getKey())).stream()
          .noneMatch(l -> l.contains(": reconciled,"))) {
        return false;
      }
    }
    return true;
  }

  /** How many lines of the agent in {@code ns} match {@code p}. */
  long count(String ns, Pattern p) {
    return NetworkBed.lines(logs.get(ns)).stream().filter(l -> p.matcher(l).find()).count();
  }

  /** The last {@code n} lines of the agent in {@code ns}. */
  List<String> tail(String ns, int n) {
    List<String> all = NetworkBed.lines(logs.get(ns));
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  @Override
  public void close() {
    processes.values().forEach(Process::destroy);
    for (Process p : processes.values()) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The {@code xcl} launcher beside the jar this runs from ({@code ROOT/xcl} for {@code
   * ROOT/cli/target/xcl.jar}), when there is one.
   */
  static Optional<Path> launcher(Path codeSource) {
    if (codeSource == null
        || !codeSource.getFileName().toString().equals("xcl.jar")
        || codeSource.getParent() == null
        || codeSource.getParent().getParent() == null
        || codeSource.getParent().getParent().getParent() == null) {
      return Optional.empty();
    }
    Path xcl = codeSource.getParent().getParent().getParent().resolve("xcl");
    return Files.isRegularFile(xcl) && Files.isExecutable(xcl)
        ? Optional.of(xcl)
        : Optional.empty();
  }

  private static Path codeSource() {
    try {
      CodeSource source = NetworkAgents.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * What the launcher gives an agent: quick start-up (C1, serial GC, no perf data file, a 5×
   * compile threshold), and, from this JVM, the class data sharing archive, where JVM warnings go,
   * native access on newer JDKs and {@code -Dxcl.*}.
   */
  private static List<String> jvmOptions() {
    List<String> out =
        new ArrayList<>(
            List.of(
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-XX:CompileThresholdScaling=5"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--enable-native-access")
          || arg.startsWith("-Dxcl.")
          || arg.startsWith("-XX:SharedArchiveFile=")
          || arg.startsWith("-Xlog:")) {
        out.add(arg);
      }
    }
    return out;
  }
}
