package io.xclusterlink.agent.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's answer to probes: one UDP socket per address (transit, overlay) on the probe port,
 * each served by a thread that turns a well-formed request into its reply and ignores anything
 * else. The sockets belong to the network namespace of the thread that calls {@link #bind}; the
 * serving threads need none. Thread-safe; {@link #close} stops it.
 */
public final class EchoResponder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EchoResponder.class);

  private final List<DatagramChannel> channels;
  private final List<Thread> threads = new ArrayList<>();

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

  private static void serve(DatagramChannel c) {
    // one byte more than a message, so that a longer datagram is seen as too long, not truncated
    ByteBuffer buf = ByteBuffer.allocate(ProbeMessage.LENGTH + 1);
    while (c.isOpen()) {
      try {
        buf.clear();
        SocketAddress from = c.receive(buf);
        buf.flip();
        if (from == null || !ProbeMessage.is(buf, ProbeMessage.REQUEST)) {
          continue;
        }
        ProbeMessage.write(buf, ProbeMessage.REPLY, ProbeMessage.token(buf));
        c.send(buf, from);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // e.g. no route back while a link is down: the prober will count a miss
        log.debug("probe responder {}: {}", localAddress(c), e.toString());
      }
    }
  }

  private static String localAddress(DatagramChannel c) {
    try {
      return String.valueOf(c.getLocalAddress());
    } catch (IOException e) {
      return "?";
    }
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
