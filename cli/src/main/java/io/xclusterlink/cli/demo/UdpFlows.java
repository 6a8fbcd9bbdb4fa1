package io.xclusterlink.cli.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The network demo's traffic: an echo service on one workload and {@code n} UDP flows from another,
 * each sending a sequence-numbered message every {@link #PERIOD_MS} ms and noting when each echo
 * comes back — so a stall shows as a gap between echoes. Each side is one thread inside its
 * workload's namespace. Bounded: it stops after {@code limit} or on {@link #close}.
 */
final class UdpFlows implements AutoCloseable {
  static final int PERIOD_MS = 10;
  static final int PORT = 5001;

  private final int n;
  private final int[] sourcePorts;
  private final long[][] echoAt; // [flow][seq] ms since start, -1 when not (yet) back
  private final long startNanos = System.nanoTime();
  private final CountDownLatch ready = new CountDownLatch(2);
  private final CompletableFuture<Void> sender;
  private final CompletableFuture<Void> echo;
  private volatile boolean stopped;

  private UdpFlows(String clientNs, String serverNs, String target, int n, long limitMs) {
    this.n = n;
    this.sourcePorts = new int[n];
    this.echoAt = new long[n][(int) (limitMs / PERIOD_MS) + 1];
    for (long[] a : echoAt) {
      java.util.Arrays.fill(a, -1);
    }
    echo = Netns.start(serverNs, "xcl-demo-echo", this::serveEcho);
    sender = Netns.start(clientNs, "xcl-demo-flows", () -> send(target, limitMs));
  }

  /** Starts the echo service and the flows; waits until both are ready (≤ 10 s). */
  static UdpFlows start(String clientNs, String serverNs, String target, int n, long limitMs)
      throws InterruptedException {
    UdpFlows f = new UdpFlows(clientNs, serverNs, target, n, limitMs);
    if (!f.ready.await(10, TimeUnit.SECONDS)) {
      f.close();
      throw new IllegalStateException("the demo's flows did not start within 10 s");
    }
    for (CompletableFuture<Void> c : List.of(f.echo, f.sender)) {
      if (c.isCompletedExceptionally()) {
        f.close();
        c.join();
      }
    }
    return f;
  }

  int size() {
    return n;
  }

  int sourcePort(int flow) {
    return sourcePorts[flow];
  }

  long nowMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** The time of the flow's latest echo (ms since start), -1 if none yet. */
  synchronized long lastEcho(int flow) {
    long last = -1;
    for (long t : echoAt[flow]) {
      last = Math.max(last, t);
    }
    return last;
  }

  /**
   * The longest time without an echo for {@code flow} between {@code fromMs} and {@code toMs}
   * (counting from the last echo before {@code fromMs}).
   */
  synchronized long longestGap(int flow, long fromMs, long toMs) {
    long[] times =
        java.util.Arrays.stream(echoAt[flow]).filter(t -> t >= 0 && t <= toMs).sorted().toArray();
    long gap = 0;
    for (int i = 1; i < times.length; i++) {
      if (times[i] >= fromMs) {
        gap = Math.max(gap, times[i] - times[i - 1]);
      }
    }
    return gap;
  }

  private void serveEcho() throws IOException {
    try (DatagramChannel c = DatagramChannel.open();
        Selector sel = Selector.open()) {
      c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      c.bind(new InetSocketAddress(PORT)).configureBlocking(false);
      c.register(sel, SelectionKey.OP_READ);
      ready.countDown();
      ByteBuffer buf = ByteBuffer.allocate(64);
      while (!stopped) {
        sel.select(50);
        sel.selectedKeys().clear();
        SocketAddress from;
        while ((from = c.receive(buf.clear())) != null) {
          c.send(buf.flip(), from);
        }
      }
    }
  }

  private void send(String target, long limitMs) throws IOException {
    List<DatagramChannel> channels = new ArrayList<>();
    try (Selector sel = Selector.open()) {
      for (int i = 0; i < n; i++) {
        DatagramChannel c = DatagramChannel.open();
        channels.add(c);
        c.connect(new InetSocketAddress(target, PORT));
        c.configureBlocking(false).register(sel, SelectionKey.OP_READ, i);
        sourcePorts[i] = ((InetSocketAddress) c.getLocalAddress()).getPort();
      }
      ready.countDown();
      ByteBuffer out = ByteBuffer.allocate(8);
      ByteBuffer in = ByteBuffer.allocate(64);
      int seq = 0;
      long next = 0;
      while (!stopped) {
        long now = nowMs();
        if (now >= limitMs || seq >= echoAt[0].length) {
          return;
        }
        if (now >= next) {
          for (int i = 0; i < n; i++) {
            out.clear().putInt(i).putInt(seq).flip();
            try {
              channels.get(i).write(out);
            } catch (IOException e) {
              // the path is down (an ICMP error on the connected socket): a lost message
            }
          }
          seq++;
          next += PERIOD_MS;
        }
        sel.select(Math.max(1, next - now));
        for (SelectionKey k : sel.selectedKeys()) {
          DatagramChannel c = (DatagramChannel) k.channel();
          try {
            while (c.read(in.clear()) > 0) {
              if (in.position() == 8) {
                record(in.getInt(0), in.getInt(4), nowMs());
              }
            }
          } catch (IOException e) {
            // an ICMP error reported on the connected socket: a lost message
          }
        }
        sel.selectedKeys().clear();
      }
    } finally {
      for (DatagramChannel c : channels) {
        c.close();
      }
    }
  }

  private synchronized void record(int flow, int seq, long at) {
    if (flow >= 0 && flow < n && seq >= 0 && seq < echoAt[flow].length && echoAt[flow][seq] < 0) {
      echoAt[flow][seq] = at;
    }
  }

  @Override
  public void close() {
    stopped = true;
    try {
      CompletableFuture.allOf(sender, echo).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // a failed or slow thread: it is a daemon and its sockets are closed by its own finally
    }
  }
}
