package io.xclusterlink.agent.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sequence-numbered flows from one workload to an {@link EchoServer}, on one thread inside the
 * workload's namespace: every {@link #PERIOD_MS} ms each flow sends its next 16-byte message (flow,
 * seq), and notes when each echo comes back. Bounded: it stops after {@code duration} or on {@link
 * #stop}.
 */
final class FlowLoad {
  static final int PERIOD_MS = 10;

  /** One flow: its protocol and source port, and when each echo arrived (ms since start, or -1). */
  static final class Flow {
    final boolean tcp;
    int sourcePort;
    final long[] echoAt;
    int sent;
    long bytesIn;

    /** The latest echo's time, in ms; volatile: the test thread polls it while the load runs. */
    volatile long lastEchoAt = -1;

    Flow(boolean tcp, int max) {
      this.tcp = tcp;
      this.echoAt = new long[max];
      java.util.Arrays.fill(echoAt, -1);
    }

    /** Echoes missing among the first {@code upTo} messages. */
    int lost(int upTo) {
      int n = 0;
      for (int i = 0; i < Math.min(upTo, sent); i++) {
        n += echoAt[i] < 0 ? 1 : 0;
      }
      return n;
    }

    /** The longest time between two consecutive echoes (in arrival order), in ms. */
    long maxGap() {
      long last = -1;
      long gap = 0;
      long[] sorted = java.util.Arrays.stream(echoAt).filter(t -> t >= 0).sorted().toArray();
      for (long t : sorted) {
        if (last >= 0) {
          gap = Math.max(gap, t - last);
        }
        last = t;
      }
      return gap;
    }

    long lastEcho() {
      return lastEchoAt;
    }
  }

  final List<Flow> flows = new ArrayList<>();
  final long startNanos;
  private final CompletableFuture<Void> done;
  private final CountDownLatch connected = new CountDownLatch(1);
  private volatile boolean stopped;

  private FlowLoad(String ns, String target, int udp, int tcp, long durationMs) throws Exception {
    int max = (int) (durationMs / PERIOD_MS) + 2;
    for (int i = 0; i < udp; i++) {
      flows.add(new Flow(false, max));
    }
    for (int i = 0; i < tcp; i++) {
      flows.add(new Flow(true, max));
    }
    startNanos = System.nanoTime();
    done = Namespaces.start(ns, "flows-" + ns, () -> run(target, durationMs));
    if (!connected.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("flows from " + ns + " to " + target + " did not connect");
    }
    if (done.isCompletedExceptionally()) {
      done.join();
    }
  }

  static FlowLoad start(String ns, String target, int udp, int tcp, long durationMs)
      throws Exception {
    return new FlowLoad(ns, target, udp, tcp, durationMs);
  }

  long elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void run(String target, long durationMs) throws IOException {
    List<java.nio.channels.Channel> channels = new ArrayList<>();
    try (Selector sel = Selector.open()) {
      for (int i = 0; i < flows.size(); i++) {
        Flow f = flows.get(i);
        if (f.tcp) {
          SocketChannel c = SocketChannel.open();
          channels.add(c);
          c.socket().connect(new InetSocketAddress(target, EchoServer.TCP), 5000);
          c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
          c.configureBlocking(false).register(sel, SelectionKey.OP_READ, i);
          f.sourcePort = ((InetSocketAddress) c.getLocalAddress()).getPort();
        } else {
          DatagramChannel c = DatagramChannel.open();
          channels.add(c);
          c.connect(new InetSocketAddress(target, EchoServer.UDP));
          c.configureBlocking(false).register(sel, SelectionKey.OP_READ, i);
          f.sourcePort = ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
      }
      connected.countDown();
      long t0 = System.nanoTime();
      ByteBuffer out = ByteBuffer.allocate(16);
      ByteBuffer in = ByteBuffer.allocate(4096);
      ByteBuffer[] partial = new ByteBuffer[flows.size()];
      long next = 0;
      while (!stopped) {
        long now = (System.nanoTime() - t0) / 1_000_000;
        if (now >= durationMs) {
          break;
        }
        if (now >= next) {
          for (int i = 0; i < flows.size(); i++) {
            Flow f = flows.get(i);
            if (f.sent >= f.echoAt.length) {
              continue;
            }
            out.clear();
            out.putInt(i).putInt(f.sent).putLong(now).flip();
            try {
              if (f.tcp) {
                ((SocketChannel) channels.get(i)).write(out);
              } else {
                ((DatagramChannel) channels.get(i)).write(out);
              }
            } catch (IOException e) {
              // ICMP errors of a connected UDP socket while the path is down: a lost message
            }
            f.sent++;
          }
          next += PERIOD_MS;
        }
        sel.select(Math.max(1, next - now));
        for (SelectionKey k : sel.selectedKeys()) {
          int i = (Integer) k.attachment();
          Flow f = flows.get(i);
          long at = (System.nanoTime() - t0) / 1_000_000;
          try {
            if (f.tcp) {
              SocketChannel c = (SocketChannel) k.channel();
              if (partial[i] == null) {
                partial[i] = ByteBuffer.allocate(64 * 1024);
              }
              if (c.read(partial[i]) < 0) {
                k.cancel();
                continue;
              }
              partial[i].flip();
              while (partial[i].remaining() >= 16) {
                partial[i].getInt();
                int seq = partial[i].getInt();
                partial[i].getLong();
                record(f, seq, at);
              }
              partial[i].compact();
            } else {
              DatagramChannel c = (DatagramChannel) k.channel();
              while (true) {
                in.clear();
                if (c.read(in) <= 0) {
                  break;
                }
                if (in.position() == 16) {
                  record(f, in.getInt(4), at);
                }
              }
            }
          } catch (IOException e) {
            // ICMP unreachable reported on a connected UDP socket: a lost message
          }
        }
        sel.selectedKeys().clear();
      }
    } finally {
      for (java.nio.channels.Channel c : channels) {
        c.close();
      }
    }
  }

  private static void record(Flow f, int seq, long at) {
    if (seq >= 0 && seq < f.echoAt.length && f.echoAt[seq] < 0) {
      f.echoAt[seq] = at;
      f.lastEchoAt = Math.max(f.lastEchoAt, at);
    }
  }

  /** Stops sending and waits for the thread (≤ 10 s). */
  void stop() throws Exception {
    stopped = true;
    done.get(10, TimeUnit.SECONDS);
  }

  /** Waits until the duration is over. */
  void await() throws Exception {
    done.get(60, TimeUnit.SECONDS);
  }
}
