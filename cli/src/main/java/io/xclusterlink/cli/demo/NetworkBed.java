package io.xclusterlink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network demo's view of {@code e2e/l3/bed.sh}: builds and removes the two-cluster namespace
 * bed, reads what it built (bed.json), and asks a router which gateway a flow takes. Forks {@code
 * bash} and {@code ip}: the demo stands in for the operator typing them.
 */
final class NetworkBed {
  static final String PREFIX = "xcl-l3-";
  private static final Pattern VIA = Pattern.compile(" via (\\S+) ");

  private final Path script;
  private final Path dir;
  private JsonNode description;

  NetworkBed(Path script, Path dir) {
    this.script = script;
    this.dir = dir;
  }

  /**
   * The bed script of the checkout this CLI runs from: cli/target/xcl.jar or cli/target/classes,
   * two folders below the repository root.
   */
  static Path defaultScript() {
    try {
      Path here =
          Path.of(NetworkBed.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return here.getParent().getParent().getParent().resolve("e2e/l3/bed.sh").normalize();
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return Path.of("e2e/l3/bed.sh").toAbsolutePath();
    }
  }

  Path script() {
    return script;
  }

  Path dir() {
    return dir;
  }

  /** The xcl-l3-* namespaces that exist now (someone else's bed, or one left behind). */
  static List<String> namespaces() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (String line : run(List.of("ip", "netns", "list"), Map.of()).split("\n")) {
      String ns = line.split(" ")[0];
      if (ns.startsWith(PREFIX)) {
        out.add(ns);
      }
    }
    return out;
  }

  void up() throws IOException, InterruptedException {
    run(List.of("bash", script.toString(), "up"), Map.of("XCL_L3_DIR", dir.toString()));
    description = new ObjectMapper().readTree(dir.resolve("bed.json").toFile());
  }

  void down() throws IOException, InterruptedException {
    run(List.of("bash", script.toString(), "down"), Map.of("XCL_L3_DIR", dir.toString()));
  }

  /** Every router and gateway: name, namespace, agent config. */
  List<JsonNode> nodes() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : description.path("clusters")) {
      out.add(c.path("router"));
      c.path("gateways").forEach(out::add);
    }
    return out;
  }

  JsonNode cluster(String name) {
    for (JsonNode c : description.path("clusters")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("cluster " + name + " (expected: a or b)");
  }

  JsonNode workload(String cluster, int i) {
    return cluster(cluster).path("workloads").get(i);
  }

  JsonNode gateway(String name) {
    for (JsonNode c : description.path("clusters")) {
      for (JsonNode g : c.path("gateways")) {
        if (g.path("name").asText().equals(name)) {
          return g;
        }
      }
    }
    throw new IllegalArgumentException("gateway " + name);
  }

  /**
   * For each source port, the gateway of cluster A that A's router sends a UDP flow from {@code
   * from} to {@code to}:{@code port} to (one {@code ip -batch} of route lookups).
   */
  List<String> gatewaysOf(String from, String to, int port, int[] sourcePorts)
      throws IOException, InterruptedException {
    JsonNode a = cluster("a");
    StringBuilder lines = new StringBuilder();
    for (int sport : sourcePorts) {
      lines.append(
          String.format(
              "route get %s from %s iif wl0 ipproto udp sport %d dport %d%n",
              to, from, sport, port));
    }
    String ns = a.path("router").path("ns").asText();
    String out = batch(ns, lines.toString(), "route get");
    List<String> gateways = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher m = VIA.matcher(line);
      if (!m.find()) {
        continue;
      }
      String name = "?";
      for (JsonNode g : a.path("gateways")) {
        if (g.path("transit").asText().equals(m.group(1))) {
          name = g.path("name").asText();
        }
      }
      gateways.add(name);
    }
    if (gateways.size() != sourcePorts.length) {
      throw new IOException("ip -n " + ns + " route get: unexpected answer: " + out.trim());
    }
    return gateways;
  }

  /**
   * {@code ip -n ns link set dev up|down} for each of {@code devs}, in one {@code ip -batch}: a
   * crash takes a node's links down together, not a fork apart.
   */
  static void links(String ns, boolean up, String... devs)
      throws IOException, InterruptedException {
    StringBuilder lines = new StringBuilder();
    for (String dev : devs) {
      lines.append("link set ").append(dev).append(up ? " up" : " down").append('\n');
    }
    batch(ns, lines.toString(), lines.toString().trim());
  }

  /** {@code ip -n ns -batch -} with {@code lines} on its input; its output. */
  private static String batch(String ns, String lines, String what)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ip", "-n", ns, "-batch", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(lines.getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("ip -n " + ns + " -batch (" + what + "): " + out.trim());
    }
    return out;
  }

  static String run(List<String> cmd, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
    return out;
  }

  /** Reads a file written by the bed or an agent, or an empty list. */
  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }
}
