package io.xclusterlink.agent.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's answer to probes: one UDP socket per address (transit, overlay) on the probe port,
 * each served by a thread that turns a well-formed request into its reply and ignores anything
 * else. The sockets belong to the network namespace of the thread that calls {@link #bind}; the
 * serving threads need none. Thread-safe; {@link #close} stops it.
 *
 * <p>It also relays down hints ({@link Prober#hint}): a hint from a node that probes this gateway
 * goes on, as {@link ProbeMessage#RELAYED}, to every other node that probed it lately — the router
 * of its VPC on the transit socket, the remote gateways on the overlay one — which is how a
 * decision reaches every node choosing among the same gateways without any of them knowing the
 * others. What a stranger can cost it is bounded: only a recent prober's hint is relayed, the same
 * gateway at most once per {@link #RELAY_QUIET_NANOS}, at most {@link #RELAYS_PER_SECOND} hints a
 * second, to at most {@link #MAX_PROBERS} addresses.
 */
public final class EchoResponder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EchoResponder.class);

  /** Nodes remembered as probers; more are not remembered until older ones expire. */
  static final int MAX_PROBERS = 64;

  /** A prober not heard from for this long is forgotten (probe intervals go up to 10 s). */
  static final long PROBER_TTL_NANOS = 30_000_000_000L;

  /** Several nodes may decide about the same gateway a moment apart: one relay covers them. */
  static final long RELAY_QUIET_NANOS = 250_000_000L;

  /** Relayed hints per second at most, whatever the sender names. */
  static final int RELAYS_PER_SECOND = 16;

  private record Seen(DatagramChannel channel, long at) {}

  private final List<DatagramChannel> channels;
  private final List<Thread> threads = new ArrayList<>();
  private final Map<SocketAddress, Seen> probers = new HashMap<>();
  private final Map<Integer, Long> relayedAt = new HashMap<>();
  private long relayWindowStart;
  private int relaysInWindow;

  private EchoResponder(List<DatagramChannel> channels) {
    this.channels = channels;
  }

  /** Binds one socket per address; call on a thread inside the node's network namespace. */
  public static EchoResponder bind(List<InetSocketAddress> addresses) throws IOException {
    List<DatagramChannel> channels = new ArrayList<>();
    try {
      for (InetSocketAddress a : addresses) {
        DatagramChannel c = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
        channels.add(c);
        // IP_FREEBIND lets a gateway bind an address on a link that is down; Java has no option
        // for it, so an address must exist when the agent starts (the reconcile creates it first)
        c.bind(a);
      }
    } catch (IOException e) {
      for (DatagramChannel c : channels) {
        c.close();
      }
      throw new IOException("probe responder: cannot bind " + addresses + ": " + e.getMessage(), e);
    }
    return new EchoResponder(channels);
  }

  /** Starts one daemon thread per socket. */
  public void start() {
    for (DatagramChannel c : channels) {
      Thread t = new Thread(() -> serve(c), "xcl-echo-" + localAddress(c));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void serve(DatagramChannel c) {
    // one byte more than a message, so that a longer datagram is seen as too long, not truncated
    ByteBuffer buf = ByteBuffer.allocate(ProbeMessage.LENGTH + 1);
    while (c.isOpen()) {
      try {
        buf.clear();
        SocketAddress from = c.receive(buf);
        buf.flip();
        if (from == null) {
          continue;
        }
        if (ProbeMessage.is(buf, ProbeMessage.HINT)) {
          relay(from, ProbeMessage.hinted(buf));
          continue;
        }
        if (!ProbeMessage.is(buf, ProbeMessage.REQUEST)) {
          continue;
        }
        ProbeMessage.write(buf, ProbeMessage.REPLY, ProbeMessage.token(buf));
        c.send(buf, from);
        remember(from, c);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // e.g. no route back while a link is down: the prober will count a miss
        log.debug("probe responder {}: {}", localAddress(c), e.toString());
      }
    }
  }

  private synchronized void remember(SocketAddress prober, DatagramChannel c) {
    long now = System.nanoTime();
    if (!probers.containsKey(prober) && probers.size() >= MAX_PROBERS) {
      probers.values().removeIf(s -> now - s.at() > PROBER_TTL_NANOS);
      if (probers.size() >= MAX_PROBERS) {
        return;
      }
    }
    probers.put(prober, new Seen(c, now));
  }

  /** Passes a recent prober's hint about {@code overlay} on to the other recent probers. */
  private void relay(SocketAddress from, int overlay) {
    synchronized (this) {
      long now = System.nanoTime();
      Seen sender = probers.get(from);
      if (sender == null || now - sender.at() > PROBER_TTL_NANOS) {
        return;
      }
      Long last = relayedAt.get(overlay);
      if (last != null && now - last < RELAY_QUIET_NANOS) {
        return;
      }
      if (now - relayWindowStart > 1_000_000_000L) {
        relayWindowStart = now;
        relaysInWindow = 0;
        relayedAt.values().removeIf(at -> now - at > RELAY_QUIET_NANOS);
      }
      if (relaysInWindow >= RELAYS_PER_SECOND) {
        return;
      }
      relaysInWindow++;
      relayedAt.put(overlay, now);
    }
    int sent = tellProbers(from, out -> ProbeMessage.writeHint(out, ProbeMessage.RELAYED, overlay));
    log.debug("relayed a down hint from {} to {} prober(s)", from, sent);
  }

  /**
   * Sends the message {@code write} makes to every recent prober but {@code except} (null: all),
   * each on the socket it probed; forgets the probers not heard from lately.
   *
   * @return to how many it was sent
   */
  private int tellProbers(SocketAddress except, Consumer<ByteBuffer> write) {
    List<Map.Entry<SocketAddress, Seen>> to = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      probers.values().removeIf(s -> now - s.at() > PROBER_TTL_NANOS);
      probers.forEach(
          (a, seen) -> {
            if (!a.equals(except)) {
              to.add(Map.entry(a, seen));
            }
          });
    }
    ByteBuffer out = ByteBuffer.allocate(ProbeMessage.LENGTH);
    for (Map.Entry<SocketAddress, Seen> e : to) {
      write.accept(out);
      try {
        e.getValue().channel().send(out, e.getKey());
      } catch (IOException ex) {
        log.debug("probe responder: to {}: {}", e.getKey(), ex.toString());
      }
    }
    return to.size();
  }

  private static String localAddress(DatagramChannel c) {
    try {
      return String.valueOf(c.getLocalAddress());
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * Tells every node that probed this gateway lately that its agent is stopping in order and will
   * be back: they do not count its silence for {@code hold} (see {@link HealthTracker#restarting}).
   * Call before {@link #close}, only when the kernel state stays.
   */
  public void restarting(java.time.Duration hold) {
    int millis = (int) Math.min(Integer.MAX_VALUE, hold.toMillis());
    tellProbers(null, out -> ProbeMessage.writeRestarting(out, millis));
  }

  @Override
  public void close() {
    for (DatagramChannel c : channels) {
      try {
        c.close();
      } catch (IOException e) {
        log.debug("closing probe responder: {}", e.toString());
      }
    }
    for (Thread t : threads) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
