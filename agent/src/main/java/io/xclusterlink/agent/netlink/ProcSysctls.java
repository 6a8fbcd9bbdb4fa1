package io.xclusterlink.agent.netlink;

import io.xclusterlink.agent.plan.KernelObject.Sysctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Sysctls as the files under /proc/sys: no process is forked. The files belong to the network
 * namespace of the thread that opens them.
 */
final class ProcSysctls {
  private static final Path ROOT = Path.of("/proc/sys");

  private ProcSysctls() {}

  /** The current values of {@code keys} that exist. */
  static List<Sysctl> read(Collection<String> keys) {
    List<Sysctl> out = new ArrayList<>();
    for (String key : keys) {
      try {
        out.add(new Sysctl(key, readOnce(path(key))));
      } catch (NoSuchFileException e) {
        // not there (yet): the diff will add it
      } catch (IOException e) {
        throw new NetlinkException("sysctl " + key + ": " + e.getMessage(), 5);
      }
    }
    return out;
  }

  /**
   * One read(2) from offset 0: the kernel's integer sysctls answer a read at a later offset with
   * end-of-file, so a reader that first probes with one byte (as {@code Files.readString} does on a
   * file of size 0) sees "5" of "55".
   */
  private static String readOnce(Path path) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(path)) {
      byte[] buf = new byte[4096];
      int n = in.read(buf);
      return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII).trim();
    }
  }

  static void write(Sysctl s) {
    try {
      Files.writeString(path(s.key()), s.value() + "\n", StandardCharsets.US_ASCII);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new NetlinkException(
          s + ": needs CAP_NET_ADMIN to write sysctls (run as root or grant the capability)",
          NetlinkException.EPERM);
    } catch (IOException e) {
      throw new NetlinkException(s + ": " + e.getMessage(), 5);
    }
  }

  private static Path path(String key) {
    if (key.contains("/") || key.contains("..")) {
      throw new IllegalArgumentException(
          "sysctl key: " + key + " (expected: dotted, e.g. net.ipv4.ip_forward)");
    }
    return ROOT.resolve(key.replace('.', '/'));
  }
}
