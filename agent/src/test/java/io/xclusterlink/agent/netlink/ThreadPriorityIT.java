package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failover's thread priority: raised by {@link ThreadPriority#STEPS} nice steps and put back, on
 * that thread alone; refused without CAP_SYS_NICE, once, with a reason naming the capability.
 */
class ThreadPriorityIT {

  @Test
  void raisesThisThreadAloneAndPutsItBack() throws Exception {
    assumeTrue(NetworkNamespace.root(), "needs root: CAP_SYS_NICE");
    // a thread that exists before the raise (a thread started later inherits its creator's)
    ExecutorService otherThread = Executors.newSingleThreadExecutor();
    otherThread.submit(() -> null).get(10, TimeUnit.SECONDS);
    ExecutorService raisedThread = Executors.newSingleThreadExecutor();
    int[] seen =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    ThreadPriority p = ThreadPriority.ofThisThread();
                    int before = ThreadPriority.niceOfThisThread();
                    String refused = p.raise();
                    int raised = ThreadPriority.niceOfThisThread();
                    int other = otherThread.submit(ThreadPriority::niceOfThisThread).get();
                    p.restore();
                    return new int[] {
                      before,
                      refused == null ? 1 : 0,
                      raised,
                      other,
                      ThreadPriority.niceOfThisThread()
                    };
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                raisedThread)
            .get(10, TimeUnit.SECONDS);
    otherThread.shutdown();
    raisedThread.shutdown();
    int before = seen[0];
    assertThat(seen[1]).as("raised without refusal").isEqualTo(1);
    assertThat(seen[2]).isEqualTo(Math.max(-20, before - ThreadPriority.STEPS));
    assertThat(seen[3]).as("another thread keeps its nice value").isEqualTo(before);
    assertThat(seen[4]).as("put back").isEqualTo(before);
  }

  @Test
  void withoutSysNiceTheRaiseIsRefusedOnceNamingTheCapability() throws Exception {
    assumeTrue(NetworkNamespace.root(), "needs root to drop a capability from a child");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    String out = NetworkNamespace.javaWithout("sys_nice", RaiseMain.class);
    assertThat(out)
        .contains("first: setpriority(nice ")
        .contains("Permission denied (needs CAP_SYS_NICE)")
        .contains("second: the same")
        .contains("nice unchanged: true");
  }

  /** Raises twice without CAP_SYS_NICE and prints what it was told. */
  public static final class RaiseMain {
    public static void main(String[] args) throws Exception {
      ThreadPriority p = ThreadPriority.ofThisThread();
      String first = p.raise();
      String second = p.raise();
      p.restore();
      System.out.println("first: " + first);
      System.out.println(
          "second: " + (first != null && first.equals(second) ? "the same" : second));
      System.out.println("nice unchanged: " + (ThreadPriority.niceOfThisThread() == p.nice()));
    }
  }
}
