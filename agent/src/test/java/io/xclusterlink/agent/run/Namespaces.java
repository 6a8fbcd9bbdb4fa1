package io.xclusterlink.agent.run;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Threads inside a named network namespace (setns(2) on the thread, as {@code ip netns exec} does
 * for a process): the agents and the workloads' sockets of the ITs run on them.
 */
final class Namespaces {
  private static final int CLONE_NEWNET = 0x40000000;

  static {
    Native.register(Namespaces.class, "c");
  }

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int setns(int fd, int nstype) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private Namespaces() {}

  interface Body {
    void run() throws Exception;
  }

  /** Moves the calling thread into namespace {@code ns}. */
  static void enter(String ns) {
    int fd = open("/var/run/netns/" + ns, 0);
    try {
      setns(fd, CLONE_NEWNET);
    } finally {
      close(fd);
    }
  }

  /** Starts a daemon thread that enters {@code ns} and runs {@code body}; failures complete it. */
  static CompletableFuture<Void> start(String ns, String name, Body body) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                enter(ns);
                body.run();
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return done;
  }

  /** Runs {@code task} on a fresh thread inside {@code ns} and returns its result (≤ 30 s). */
  static <T> T call(String ns, Callable<T> task) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                enter(ns);
                result.complete(task.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "call-" + ns);
    t.setDaemon(true);
    t.start();
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
