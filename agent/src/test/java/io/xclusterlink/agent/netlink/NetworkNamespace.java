package io.xclusterlink.agent.netlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace for an IT: built and inspected with {@code ip} (the test may fork,
 * the product code may not), and a thread that has entered it with setns(2), on which the adapter
 * runs. Deleted on close.
 */
final class NetworkNamespace implements AutoCloseable {
  private static final int CLONE_NEWNET = 0x40000000;
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    Native.register(NetworkNamespace.class, "c");
  }

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int setns(int fd, int nstype) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  final String name;
  private final ExecutorService inside;

  private NetworkNamespace(String name) {
    this.name = name;
    this.inside = Executors.newSingleThreadExecutor(r -> new Thread(r, "in-" + name));
  }

  static NetworkNamespace create() throws Exception {
    String name = "xcl-it-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    run("ip", "netns", "add", name);
    NetworkNamespace ns = new NetworkNamespace(name);
    try {
      ns.inside(
          () -> {
            int fd = open("/var/run/netns/" + name, 0);
            try {
              setns(fd, CLONE_NEWNET);
            } finally {
              close(fd);
            }
            return null;
          });
      ns.ip("link", "set", "lo", "up");
    } catch (Exception e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Runs {@code task} on the thread inside the namespace. */
  <T> T inside(Callable<T> task) throws Exception {
    try {
      return inside.submit(task).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  /** {@code ip -n <ns> args...}; fails on a non-zero exit. */
  String ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /** {@code ip -n <ns> -j args...} parsed. */
  JsonNode ipJson(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("-j"));
    cmd.addAll(List.of(args));
    String out = ip(cmd.toArray(String[]::new));
    return JSON.readTree(out.isBlank() ? "[]" : out);
  }

  /**
   * Runs {@code main} in a child JVM on this test's class path, as root with {@code capability}
   * dropped from its bounding set ({@code setpriv}); {@code prefix} goes before it (e.g. {@code ip
   * netns exec NAME}). Its output, which must end with exit status 0.
   */
  static String javaWithout(String capability, Class<?> main, String... prefix)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(prefix));
    cmd.addAll(
        List.of(
            "setpriv",
            "--inh-caps=-all",
            "--bounding-set=-" + capability,
            "--",
            java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    return run(cmd.toArray(String[]::new));
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    inside.shutdownNow();
    run("ip", "netns", "del", name);
  }
}
