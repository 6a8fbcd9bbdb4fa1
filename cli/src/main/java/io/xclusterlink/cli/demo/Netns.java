package io.xclusterlink.cli.demo;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.util.concurrent.CompletableFuture;

/**
 * Threads inside a named network namespace (setns(2) on the thread, as {@code ip netns exec} does
 * for a process): the network demo's workloads run their sockets on them, in this JVM.
 */
final class Netns {
  private static final int CLONE_NEWNET = 0x40000000;

  static {
    Native.register(Netns.class, "c");
  }

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int setns(int fd, int nstype) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private Netns() {}

  interface Body {
    void run() throws Exception;
  }

  /** Starts a daemon thread that enters {@code ns} and runs {@code body}; failures complete it. */
  static CompletableFuture<Void> start(String ns, String name, Body body) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                int fd = open("/var/run/netns/" + ns, 0);
                try {
                  setns(fd, CLONE_NEWNET);
                } finally {
                  close(fd);
                }
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
}
