package io.xclusterlink.agent.probe;

import io.xclusterlink.agent.plan.Ipv4;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one probe per round to each gateway's data-path address and feeds the answers of that round
 * to a {@link HealthTracker}. One non-blocking socket on an ephemeral port; an answer counts only
 * if it comes from the probed address and port and carries the token of this round or of one of the
 * {@link #LATE_ROUNDS} before it: a late answer still proves the gateway alive when it arrives, so
 * a gateway (or this host) stalled for a round or two is not declared down, while a silent one is
 * declared down exactly as fast.
 *
 * <p>Down hints: when this node judges a gateway down on its own evidence, {@link #hint} tells the
 * other gateways it probes, from the probing socket; each passes the hint on to the nodes that
 * probe it ({@link EchoResponder}), so every node choosing among the same gateways hears of it
 * within a hop or two. A hint counts only when it comes from a probed gateway's address and port
 * and names a gateway this node tracks, and the tracker takes it only if its own probes agree
 * ({@link HealthTracker#hinted}). Opened in the network namespace of the calling thread. Not
 * thread-safe: the agent's loop owns it.
 */
public final class Prober implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Prober.class);

  /** How many rounds late an answer may be and still count for the round it arrives in. */
  public static final int LATE_ROUNDS = 2;

  private final DatagramChannel channel;
  private final Selector selector;
  private final Map<SocketAddress, String> gateways = new HashMap<>();
  private final Map<String, Integer> overlayByName = new HashMap<>();
  private final Map<Integer, String> nameByOverlay = new HashMap<>();
  private final ByteBuffer buf = ByteBuffer.allocate(ProbeMessage.LENGTH + 1);
  private final long session = (long) ThreadLocalRandom.current().nextInt() << 32;
  private int round;
  private int restartsTaken;

  private Prober(DatagramChannel channel, Selector selector) {
    this.channel = channel;
    this.selector = selector;
  }

  /**
   * Opens the socket; {@code targets} maps each gateway's name to the address it is probed on,
   * which is also its overlay address, the name hints use.
   */
  public static Prober open(Map<String, Ipv4> targets, int port) throws IOException {
    return open(targets, targets, port);
  }

  /**
   * Opens the socket; {@code targets} maps each gateway's name to the address it is probed on, and
   * {@code overlays} to its overlay address, which names it in hints (a router probes its gateways
   * on the transit segment, the remote gateways probe them on the overlay).
   */
  public static Prober open(Map<String, Ipv4> targets, Map<String, Ipv4> overlays, int port)
      throws IOException {
    DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
    Selector s = null;
    try {
      c.configureBlocking(false);
      c.bind(new InetSocketAddress(0));
      s = Selector.open();
      c.register(s, SelectionKey.OP_READ);
      Prober p = new Prober(c, s);
      for (Map.Entry<String, Ipv4> t : targets.entrySet()) {
        p.gateways.put(
            new InetSocketAddress(InetAddress.getByAddress(t.getValue().octets()), port),
            t.getKey());
        Ipv4 overlay = overlays.get(t.getKey());
        if (overlay == null) {
          throw new IllegalArgumentException(
              "gateway " + t.getKey() + ": no overlay address (expected one per probed gateway)");
        }
        p.overlayByName.put(t.getKey(), overlay.bits());
        p.nameByOverlay.put(overlay.bits(), t.getKey());
      }
      return p;
    } catch (IOException e) {
      c.close();
      if (s != null) {
        s.close();
      }
      throw e;
    }
  }

  /** Starts a round: one probe to every gateway. */
  public void send() {
    round++;
    for (Map.Entry<SocketAddress, String> g : gateways.entrySet()) {
      ProbeMessage.write(buf, ProbeMessage.REQUEST, session | (round & 0xffff_ffffL));
      try {
        channel.send(buf, g.getKey());
      } catch (IOException e) {
        // no route, link down: the gateway misses this round
        log.debug("probe to {} ({}): {}", g.getValue(), g.getKey(), e.toString());
      }
    }
  }

  /**
   * Tells every other probed gateway that this node judged {@code gateway} down, so that they pass
   * it on to the other nodes that choose among it.
   */
  public void hint(String gateway) {
    Integer overlay = overlayByName.get(gateway);
    if (overlay == null) {
      return;
    }
    for (Map.Entry<SocketAddress, String> g : gateways.entrySet()) {
      if (g.getValue().equals(gateway)) {
        continue;
      }
      ProbeMessage.writeHint(buf, ProbeMessage.HINT, overlay);
      try {
        channel.send(buf, g.getKey());
      } catch (IOException e) {
        log.debug("hint to {} ({}): {}", g.getValue(), g.getKey(), e.toString());
      }
    }
  }

  /**
   * Waits for answers without taking hints; see {@link #collect(HealthTracker, long, Consumer)}.
   */
  public void collect(HealthTracker tracker, long deadline) throws IOException {
    collect(tracker, deadline, t -> {});
  }

  /**
   * Waits up to {@code deadline} (a {@link System#nanoTime} value) for answers to this round and
   * reports each to {@code tracker} as it arrives; a hint the tracker takes goes to {@code
   * onHinted} at once, on this thread.
   */
  public void collect(
      HealthTracker tracker, long deadline, Consumer<HealthTracker.Transition> onHinted)
      throws IOException {
    while (true) {
      drain(tracker, onHinted);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      if (left >= 1_000_000) {
        selector.select(left / 1_000_000);
        selector.selectedKeys().clear();
      } else {
        // the selector counts whole milliseconds: the rest is slept, so that the round ends (and
        // a decision is made) on its boundary, not up to a millisecond after it
        LockSupport.parkNanos(left);
      }
    }
  }

  private void drain(HealthTracker tracker, Consumer<HealthTracker.Transition> onHinted)
      throws IOException {
    while (true) {
      buf.clear();
      SocketAddress from = channel.receive(buf);
      if (from == null) {
        return;
      }
      buf.flip();
      String gateway = gateways.get(from);
      if (gateway != null
          && ProbeMessage.is(buf, ProbeMessage.REPLY)
          && current(ProbeMessage.token(buf))) {
        tracker.answered(gateway, System.nanoTime());
      } else if (gateway != null && ProbeMessage.is(buf, ProbeMessage.RESTARTING)) {
        long hold = ProbeMessage.holdMillis(buf) * 1_000_000L;
        if (tracker.restarting(gateway, System.nanoTime(), hold)) {
          restartsTaken++;
          log.info(
              "gateway {} says its agent is restarting: its silence is not counted for {} ms"
                  + " or until it answers",
              gateway,
              hold / 1_000_000);
        }
      } else if (gateway != null && ProbeMessage.is(buf, ProbeMessage.RELAYED)) {
        String down = nameByOverlay.get(ProbeMessage.hinted(buf));
        HealthTracker.Transition t = down == null ? null : tracker.hinted(down, System.nanoTime());
        if (t != null) {
          log.debug("hint from {}: {} down, taken", gateway, down);
          onHinted.accept(t);
        }
      }
    }
  }

  /** Whether {@code token} is this session's, of this round or of one of the LATE_ROUNDS before. */
  private boolean current(long token) {
    if ((token & 0xffff_ffff_0000_0000L) != session) {
      return false;
    }
    int behind = round - (int) token; // int arithmetic: right across a wrap of the round counter
    return behind >= 0 && behind <= LATE_ROUNDS;
  }

  /** How many "restarting" messages of probed gateways were taken so far. */
  public int restartsTaken() {
    return restartsTaken;
  }

  @Override
  public void close() throws IOException {
    selector.close();
    channel.close();
  }
}
