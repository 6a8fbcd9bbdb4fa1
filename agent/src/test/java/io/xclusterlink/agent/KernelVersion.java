package io.xclusterlink.agent;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The running kernel's version, for tests of features that a kernel gained at some version. */
public final class KernelVersion {
  private KernelVersion() {}

  /**
   * Whether the running kernel ({@code os.version}, as {@code uname -r}) is at least major.minor.
   */
  public static boolean atLeast(int major, int minor) {
    Matcher m = Pattern.compile("(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version", ""));
    if (!m.lookingAt()) {
      return false;
    }
    int ma = Integer.parseInt(m.group(1));
    return ma > major || ma == major && Integer.parseInt(m.group(2)) >= minor;
  }

  /** This kernel's version, for a skipped test's reason. */
  public static String running() {
    return System.getProperty("os.version", "unknown");
  }
}
