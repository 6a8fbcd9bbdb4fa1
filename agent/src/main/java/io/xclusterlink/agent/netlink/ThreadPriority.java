package io.xclusterlink.agent.netlink;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The nice value of one thread, raised for the moment it applies a failover and put back after
 * ({@code setpriority(2)} on the thread's id, which Linux applies to that thread alone). A group
 * replace sleeps in the kernel (the RTNL lock, an RCU grace period) and must then wait for a CPU;
 * on a busy node that wait, not the kernel's work, is most of a failover's cost, and a raised
 * priority cuts it. Only for that moment: the thread also reads probe datagrams, which anyone can
 * send it, and must not do that at a raised priority.
 *
 * <p>Raising needs CAP_SYS_NICE (or an RLIMIT_NICE that allows it); without it, {@link #raise}
 * reports the refusal once and the thread keeps its priority. Putting it back is always allowed.
 * Not thread-safe: one thread uses its own.
 */
public final class ThreadPriority {
  /** How many nice steps a failover is raised by (from the thread's own value, at most to -20). */
  public static final int STEPS = 10;

  private static final int PRIO_PROCESS = 0;
  private final int tid;
  private final int nice;
  private String refused;
  private boolean raised;

  private ThreadPriority(int tid, int nice) {
    this.tid = tid;
    this.nice = nice;
  }

  /** The calling thread's, at its current nice value. */
  public static ThreadPriority ofThisThread() throws IOException {
    return new ThreadPriority(LibC.gettid(), niceOfThisThread());
  }

  /** The calling thread's nice value, from {@code /proc/thread-self/stat} (field 19). */
  public static int niceOfThisThread() throws IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII);
    // the name (field 2) is in parentheses and may hold spaces; fields from 3 on follow it
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Integer.parseInt(fields[19 - 3]);
  }

  /** The nice value it was taken at, and goes back to. */
  public int nice() {
    return nice;
  }

  /**
   * Raises the thread's priority by {@link #STEPS} (lowers its nice value, at most to -20).
   *
   * @return null when raised (or already at -20), else why not: the first refusal, then the same
   *     text without trying again
   */
  public String raise() {
    if (refused != null) {
      return refused;
    }
    int to = Math.max(-20, nice - STEPS);
    if (to == nice) {
      return null;
    }
    try {
      LibC.setpriority(PRIO_PROCESS, tid, to);
      raised = true;
      return null;
    } catch (LastErrorException e) {
      refused =
          "setpriority(nice "
              + to
              + "): "
              + LibC.strerror(e.getErrorCode())
              + (e.getErrorCode() == 1 || e.getErrorCode() == 13
                  ? " (needs CAP_SYS_NICE)"
                  : " (errno " + e.getErrorCode() + ")");
      return refused;
    }
  }

  /** Puts the thread's nice value back to what it was taken at, if {@link #raise} changed it. */
  public void restore() {
    if (!raised) {
      return;
    }
    raised = false;
    try {
      LibC.setpriority(PRIO_PROCESS, tid, nice);
    } catch (LastErrorException e) {
      // lowering one's own priority is always allowed; nothing else can be done about it here
      refused = "setpriority(nice " + nice + "): " + LibC.strerror(e.getErrorCode());
    }
  }
}
