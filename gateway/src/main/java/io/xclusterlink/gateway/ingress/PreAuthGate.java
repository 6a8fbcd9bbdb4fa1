package io.xclusterlink.gateway.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.xclusterlink.gateway.config.GatewayLimits;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The gateway port's connections that have not completed their TLS handshake, in all and per source
 * address. Before the handshake a connection proves nothing, so this is all a stranger can hold of
 * the gateway, and it is bounded: a source above its share is refused at once, and when all places
 * are taken the connection that has waited longest for its handshake is closed to make room. A real
 * peer's handshake takes milliseconds, so it is not the oldest for long, while idle strangers are;
 * so a flood from many addresses cannot keep peers out, and the file descriptors that peers and
 * their tunnels need stay free. Thread-safe (accepts run on every event loop).
 */
final class PreAuthGate {
  private static final Logger log = LoggerFactory.getLogger(PreAuthGate.class);

  private final int maxTotal;
  private final int maxPerSource;
  private final GatewayMetrics metrics;
  // guarded by this; insertion order is arrival order
  private final LinkedHashSet<Channel> waiting = new LinkedHashSet<>();
  private final Map<InetAddress, Integer> perSource = new HashMap<>();
  private final LimitLog limitLog = new LimitLog(log, Level.WARN, Duration.ofSeconds(10));

  PreAuthGate(GatewayLimits limits, GatewayMetrics metrics) {
    this.maxTotal = Math.min(limits.preAuthConnections(), fileDescriptorShare());
    this.maxPerSource = Math.min(limits.preAuthConnectionsPerSource(), maxTotal);
    this.metrics = metrics;
  }

  /** A quarter of the process's descriptor limit; the rest is the reserve for peers and tunnels. */
  private static int fileDescriptorShare() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long max = unix.getMaxFileDescriptorCount();
      if (max > 0) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, max / 4));
      }
    }
    return Integer.MAX_VALUE;
  }

  int maxTotal() {
    return maxTotal;
  }

  /**
   * Takes a place for {@code ch} from {@code source}, closing the longest-waiting connection when
   * every place is taken; false (and logged) when the source already holds its share.
   */
  boolean tryEnter(Channel ch, InetAddress source) {
    Channel evicted = null;
    synchronized (this) {
      int mine = perSource.getOrDefault(source, 0);
      if (mine >= maxPerSource) {
        metrics.preAuthRefused("per_source");
        limitLog.hit(
            "gateway port: {} has {} connections in their TLS handshake (limit {} per source address):"
                + " refusing its new ones",
            source.getHostAddress(),
            mine,
            maxPerSource);
        return false;
      }
      if (waiting.size() >= maxTotal) {
        evicted = waiting.iterator().next();
        remove(evicted, address(evicted));
        metrics.preAuthRefused("total");
        limitLog.hit(
            "gateway port: {} connections are in their TLS handshake (limit {}): closing the ones"
                + " that waited longest, e.g. from {}",
            maxTotal,
            maxTotal,
            address(evicted).getHostAddress());
      }
      waiting.add(ch);
      perSource.merge(source, 1, Integer::sum);
    }
    if (evicted != null) {
      abort(evicted);
    }
    return true;
  }

  /** Gives back the place of {@code ch} (handshake done or failed, or closed); idempotent. */
  synchronized void leave(Channel ch, InetAddress source) {
    if (waiting.contains(ch)) {
      remove(ch, source);
    }
  }

  private void remove(Channel ch, InetAddress source) {
    waiting.remove(ch);
    perSource.computeIfPresent(source, (a, n) -> n <= 1 ? null : n - 1);
  }

  /** Connections in their handshake now (tests and logs). */
  synchronized int inHandshake() {
    return waiting.size();
  }

  void handshakeTimedOut() {
    metrics.preAuthRefused("handshake_timeout");
  }

  /** Closes with a reset, so the socket is freed at once (no TIME_WAIT, no FIN handshake). */
  static void abort(Channel ch) {
    ch.eventLoop()
        .execute(
            () -> {
              // evicted while its handshake completed on its own loop: it is a peer now, keep it
              SslHandler ssl = ch.pipeline().get(SslHandler.class);
              boolean authenticated = ssl != null && ssl.handshakeFuture().isSuccess();
              if (ch.isOpen() && !authenticated) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                ch.close();
              }
            });
  }

  private static InetAddress address(Channel ch) {
    return ((java.net.InetSocketAddress) ch.remoteAddress()).getAddress();
  }
}
