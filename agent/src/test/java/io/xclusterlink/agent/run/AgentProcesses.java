package io.xclusterlink.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code xcl agent run --config} process per router and gateway of the bed, started with {@code
 * ip netns exec} as a user would, each logging to its own file; for the benchmark, which times what
 * a deployment does (separate JVMs), not threads of one. Stopped with SIGTERM on close.
 */
final class AgentProcesses implements AutoCloseable {
  /**
   * An agent's line for one decision, e.g. "gateway a-g1 DOWN (silent for 199 ms); 1 change(s),
   * detection → applied 0.312 ms; own probes, prepared (kernel 0.2 ms), decided at 123456789 ns
   * monotonic".
   */
  static final Pattern DECISION =
      Pattern.compile(
          "gateway (\\S+) (UP|DOWN) \\((?:silent|answering) for (\\d+) ms\\); (\\d+) change\\(s\\),"
              + " detection .{1,3} applied ([0-9.]+) ms; (on a hint|own probes), (?:prepared|planned) \\(kernel [0-9.]+ ms\\), decided at (\\d+)"
              + " ns monotonic");

  /**
   * One decision as logged: which gateway, what, detection → applied in ms, whether another node's
   * hint decided it, and when ({@link System#nanoTime}: CLOCK_MONOTONIC, one clock for the host).
   */
  record Decision(
      String gateway, String health, double appliedMs, boolean hinted, long decidedAtNanos) {
    /** When the change was applied, on the same clock. */
    long appliedAtNanos() {
      return decidedAtNanos + (long) (appliedMs * 1_000_000);
    }
  }

  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Path> logs = new LinkedHashMap<>();
  private final Map<String, Long> startedAt = new LinkedHashMap<>();

  private AgentProcesses() {}

  /** Starts one agent per router and gateway of {@code bed}, logs in {@code dir}/NODE.log. */
  static AgentProcesses start(Bed bed, Path jar, Path dir) throws IOException {
    return start(bed, jar, dir, false);
  }

  /**
   * Starts one agent per router and gateway of {@code bed}, logs in {@code dir}/NODE.log; with
   * {@code oneAtATime}, each only once the one before it has reconciled (each has the host's cores
   * to itself, as each node of a deployment has its own).
   */
  static AgentProcesses start(Bed bed, Path jar, Path dir, boolean oneAtATime) throws IOException {
    Files.createDirectories(dir);
    AgentProcesses out = new AgentProcesses();
    try {
      for (JsonNode n : bed.nodes()) {
        if (oneAtATime) {
          org.awaitility.Awaitility.await()
              .atMost(java.time.Duration.ofSeconds(60))
              .pollInterval(java.time.Duration.ofMillis(10))
              .until(out::allReconciled);
        }
        String ns = n.path("ns").asText();
        Path log = dir.resolve(ns.substring("xcl-l3-".length()) + ".log");
        out.startedAt.put(ns, System.currentTimeMillis());
        // through the xcl launcher next to the jar's build (ROOT/cli/target/xcl.jar), as a user
        // starts one: it adds the JVM options and the class data sharing archive it makes
        Path launcher = jar.toAbsolutePath().getParent().getParent().getParent().resolve("xcl");
        Process p =
            new ProcessBuilder(
                    "ip",
                    "netns",
                    "exec",
                    ns,
                    launcher.toString(),
                    "agent",
                    "run",
                    "--config",
                    n.path("config").asText())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        out.processes.put(ns, p);
        out.logs.put(ns, log);
      }
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** The log of the agent in {@code ns} so far. */
  List<String> lines(String ns) {
    try {
      return Files.readAllLines(logs.get(ns), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * CPU time the agents have used so far, in ns: user and system time of {@code /proc/PID/stat},
   * which also holds the threads that have ended (the launcher and {@code ip netns exec} exec the
   * JVM, so each process's pid is its JVM's); an agent that is gone counts for nothing.
   */
  long cpuNanos() {
    long ticks = 0;
    for (Process p : processes.values()) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
        // after "(comm)": state is field 3, utime 14 and stime 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException gone) {
        // exited: its time is not ours to count any more
      }
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /** Whether every agent has logged its first reconcile; fails if one exited. */
  boolean allReconciled() {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (!e.getValue().isAlive()) {
        throw new AssertionError(
            "agent in " + e.getKey() + " exited: " + String.join("\n", lines(e.getKey())));
      }
      if (lines(e.getKey()).stream().noneMatch(l -> l.contains(": reconciled,"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * For each agent, ms from its process's start to its "reconciled" log line (the line's wall-clock
   * time of day, so valid within one day); -1 if it has not reconciled.
   */
  Map<String, Long> startupMillis() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : startedAt.entrySet()) {
      long started = e.getValue();
      long ms = -1;
      for (String l : lines(e.getKey())) {
        if (l.contains(": reconciled,") && l.length() > 12) {
          java.time.LocalTime t = java.time.LocalTime.parse(l.substring(0, 12));
          long at =
              java.time.LocalDate.now()
                  .atTime(t)
                  .atZone(java.time.ZoneId.systemDefault())
                  .toInstant()
                  .toEpochMilli();
          ms = at - started;
          break;
        }
      }
      out.put(e.getKey(), ms);
    }
    return out;
  }

  /** The decisions the agent in {@code ns} logged, oldest first. */
  List<Decision> decisions(String ns) {
    List<Decision> out = new ArrayList<>();
    for (String l : lines(ns)) {
      Matcher m = DECISION.matcher(l);
      if (m.find()) {
        out.add(
            new Decision(
                m.group(1),
                m.group(2),
                Double.parseDouble(m.group(5)),
                m.group(6).equals("on a hint"),
                Long.parseLong(m.group(7))));
      }
    }
    return out;
  }

  /** How many decisions each agent has logged so far. */
  Map<String, Integer> decisionCounts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String ns : processes.keySet()) {
      out.put(ns, decisions(ns).size());
    }
    return out;
  }

  /** The decisions of the agent in {@code ns} after the first {@code skip}. */
  List<Decision> decisionsSince(String ns, Map<String, Integer> skip) {
    List<Decision> all = decisions(ns);
    return all.subList(Math.min(skip.getOrDefault(ns, 0), all.size()), all.size());
  }

  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroy();
    }
    for (Process p : processes.values()) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
