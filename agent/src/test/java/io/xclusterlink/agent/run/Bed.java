package io.xclusterlink.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The namespace bed of {@code e2e/l3/bed.sh}, driven from an IT: up, down, and what bed.json says
 * was built. Forks {@code bed.sh} and {@code ip} (tests may; the agent may not).
 */
final class Bed implements AutoCloseable {
  static final Path SCRIPT = Path.of("..", "e2e", "l3", "bed.sh").toAbsolutePath().normalize();
  static final Path DIR = Path.of("target", "xcl-l3").toAbsolutePath();
  static final String DEFAULT_PREFIX = "xcl-l3-";
  private static volatile String prefix = DEFAULT_PREFIX;

  final JsonNode description;
  private final String ownPrefix;
  private final Path ownDir;

  private Bed(JsonNode description, String prefix, Path dir) {
    this.description = description;
    this.ownPrefix = prefix;
    this.ownDir = dir;
  }

  static Bed up(boolean overlap) throws Exception {
    return up(overlap, DEFAULT_PREFIX);
  }

  /**
   * A bed whose namespaces start with {@code prefix} (default {@value #DEFAULT_PREFIX}): another
   * prefix is a second bed, independent of the first. It becomes the bed of the static helpers.
   */
  static Bed up(boolean overlap, String prefix) throws Exception {
    Bed.prefix = prefix;
    return up(overlap, prefix, DIR);
  }

  /**
   * A bed of its own beside the current one: namespaces under {@code prefix}, its description and
   * agent configs in {@code dir}; {@link #runWithin} and {@link #close} act on it alone.
   */
  static Bed up(boolean overlap, String prefix, Path dir) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), "up"));
    if (overlap) {
      cmd.add("--overlap");
    }
    long t0 = System.nanoTime();
    JsonNode description;
    try {
      runIn(prefix, dir, cmd.toArray(String[]::new));
      description = new ObjectMapper().readTree(dir.resolve("bed.json").toFile());
    } catch (Exception e) {
      runIn(prefix, dir, "bash", SCRIPT.toString(), "down");
      throw e;
    }
    L3Log.log.info(
        "bed {}up ({}) in {} ms",
        prefix,
        overlap ? "overlap" : "plain",
        (System.nanoTime() - t0) / 1_000_000);
    return new Bed(description, prefix, dir);
  }

  static void down() throws IOException, InterruptedException {
    run("bash", SCRIPT.toString(), "down");
  }

  /** Tears this bed down. */
  @Override
  public void close() throws Exception {
    runWithin("bash", SCRIPT.toString(), "down");
  }

  /** Runs {@code cmd} with this bed's {@code XCL_L3_PREFIX} and {@code XCL_L3_DIR}. */
  String runWithin(String... cmd) throws IOException, InterruptedException {
    return runIn(ownPrefix, ownDir, cmd);
  }

  JsonNode cluster(String name) {
    for (JsonNode c : description.path("clusters")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("cluster " + name);
  }

  /** Every router and gateway: namespace and agent config. */
  List<JsonNode> nodes() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : description.path("clusters")) {
      c.path("gateways").forEach(out::add);
      out.add(c.path("router"));
    }
    return out;
  }

  JsonNode workload(String cluster, int i) {
    return cluster(cluster).path("workloads").get(i);
  }

  JsonNode gateway(String cluster, int i) {
    return cluster(cluster).path("gateways").get(i);
  }

  /** {@code ip -n ns args}; fails on a non-zero exit. */
  static String ip(String ns, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /**
   * Takes a node's links down (a crash: no clean shutdown) or up together, in one {@code ip
   * -batch}: two forked {@code ip} commands would leave one link up for a fork's time, long enough
   * on a loaded host for the router to lose the gateway a probe round before its remote peers do.
   */
  static void links(String ns, boolean up, String... devs)
      throws IOException, InterruptedException {
    StringBuilder lines = new StringBuilder();
    for (String dev : devs) {
      lines.append("link set ").append(dev).append(up ? " up" : " down").append('\n');
    }
    Process p = new ProcessBuilder("ip", "-n", ns, "-batch", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(lines.toString().getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("ip -n " + ns + " -batch (" + lines.toString().trim() + "): " + out);
    }
  }

  static String exec(String ns, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    return runIn(prefix, DIR, cmd);
  }

  private static String runIn(String prefix, Path dir, String... cmd)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("XCL_L3_DIR", dir.toString());
    pb.environment().put("XCL_L3_PREFIX", prefix);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
    return out;
  }
}
