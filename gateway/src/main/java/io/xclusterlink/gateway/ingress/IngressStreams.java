package io.xclusterlink.gateway.ingress;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.xclusterlink.api.Export;
import io.xclusterlink.gateway.config.GatewayLimits;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.metrics.GatewayMetrics.Side;
import io.xclusterlink.gateway.relay.RelayHandler;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import io.xclusterlink.gateway.tunnel.TunnelConnection;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.Refusal;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import io.xclusterlink.gateway.tunnel.TunnelStream;
import io.xclusterlink.policy.Decision;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the requests peers send on new streams of one connection: a heartbeat is answered with
 * this peer's labels, a gateways request with the GatewayExIps this peer publishes; a tunnel is
 * authorized with the peer's certificate identity, the export is dialed on the connection's own
 * event loop, and on success the stream is answered 200 and relayed to the backend.
 */
final class IngressStreams implements TunnelConnection.Acceptor {
  private static final Logger log = LoggerFactory.getLogger(IngressStreams.class);
  private static final int DIAL_TIMEOUT_MILLIS = 5_000;

  private final IngressServer.IngressContext context;
  private final String peer;
  private final GatewayLimits limits;

  /** Tunnel requests of this connection waiting for their backend. */
  private int unanswered;

  /**
   * Requests the peer reset before they were answered, in the window that began at {@link
   * #windowStart}.
   */
  private int earlyResets;

  private long windowStart;

  IngressStreams(IngressServer.IngressContext context, String peer) {
    this.context = context;
    this.peer = peer;
    this.limits = context.limits();
    this.windowStart = System.nanoTime();
  }

  @Override
  public void accept(TunnelStream stream, Http2Headers h, boolean endStream) {
    CharSequence path = h.path();
    if (path != null && TunnelProtocol.HEARTBEAT_PATH.contentEquals(path)) {
      stream.answer(
          TunnelProtocol.heartbeatAnswer(context.authorizer().self(), context.ownLabels().get()),
          true);
    } else if (path != null && TunnelProtocol.GATEWAYS_PATH.contentEquals(path)) {
      stream.answer(
          TunnelProtocol.gatewaysAnswer(context.authorizer().self(), context.ownGateways().get()),
          true);
    } else if (path != null && TunnelProtocol.TUNNEL_PATH.contentEquals(path)) {
      tunnel(stream, h);
    } else {
      refuse(
          stream,
          unknownExport(),
          Refusal.BAD_REQUEST,
          "unknown path '" + path + "' (expected: " + TunnelProtocol.TUNNEL_PATH + ")");
    }
  }

  private void tunnel(TunnelStream stream, Http2Headers h) {
    long requestedAt = System.nanoTime();
    TunnelRequest req;
    try {
      req = TunnelProtocol.parseTunnelRequest(h);
    } catch (IllegalArgumentException e) {
      refuse(stream, unknownExport(), Refusal.BAD_REQUEST, e.getMessage());
      return;
    }
    String target = req.exportNamespace() + "/" + req.exportName();
    Export export = context.authorizer().export(req.exportNamespace(), req.exportName());
    if (export == null) {
      refuse(stream, unknownExport(), Refusal.NO_SUCH_EXPORT, "no such export " + target);
      return;
    }
    GatewayMetrics.TunnelMeters meters =
        context
            .metrics()
            .tunnels(Side.INGRESS, peer, export.metadata().namespace(), export.metadata().name());
    Decision d = context.authorizer().ingress(peer, export, req.clientAttributes());
    if (d instanceof Decision.Deny deny) {
      refuse(
          stream,
          meters,
          Refusal.DENIED,
          "export " + target + " " + deny.reason() + " (at " + context.authorizer().self() + ")");
      return;
    }
    if (unanswered >= limits.unansweredTunnelsPerConnection()) {
      refuse(
          stream,
          meters,
          Refusal.UNAVAILABLE,
          "export "
              + target
              + ": "
              + unanswered
              + " tunnels of this connection are waiting for their backend (limit "
              + limits.unansweredTunnelsPerConnection()
              + ")");
      return;
    }
    BackendResolver.Backend address = context.backends().resolve(export);
    if (address == null) {
      refuse(
          stream,
          meters,
          Refusal.BACKEND_UNREACHABLE,
          "export " + target + ": no backend address (expected: spec.host or its Service)");
      return;
    }
    unanswered++;
    Pending pending = new Pending();
    String host = address.host();
    int port = address.port();
    DialFailureHandler legFailures = new DialFailureHandler();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(stream.connection().channel().eventLoop())
            .channel(context.transport().channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            // the backend's FIN ends one direction of the tunnel, not the tunnel (docs/protocol.md)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Http2Codecs.LEG_WATER_MARK)
            .option(ChannelOption.RCVBUF_ALLOCATOR, Http2Codecs.readSizes())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, DIAL_TIMEOUT_MILLIS)
            .handler(legFailures);
    BackendDial dial =
        new BackendDial(
                stream.connection().channel().eventLoop(),
                () -> bootstrap.connect(host, port),
                stream::isOpen,
                backend -> {
                  pending.answered();
                  relay(stream, backend, legFailures, target, meters, requestedAt);
                },
                cause -> {
                  pending.answered();
                  refuse(
                      stream,
                      meters,
                      Refusal.BACKEND_UNREACHABLE,
                      "export "
                          + target
                          + ": backend "
                          + host
                          + ":"
                          + port
                          + " unreachable: "
                          + Failures.describe(legFailures.explain(cause)));
                })
            .start();
    stream.onClosed(
        () -> {
          dial.cancel();
          if (!pending.answered() && stream.connection().channel().isActive()) {
            resetBeforeAnswer(stream);
          }
        });
  }

  /** The state of one tunnel request until it is answered; on the connection's event loop. */
  private final class Pending {
    private boolean done;

    /** Marks the request answered (once); returns whether it already was. */
    boolean answered() {
      if (done) {
        return true;
      }
      done = true;
      unanswered--;
      return false;
    }
  }

  /**
   * The peer reset a request whose backend was still being dialed. A client that hangs up early
   * does this now and then; doing it by the thousand is the HTTP/2 "rapid reset" pattern, which
   * would make this gateway dial backends for nobody as fast as the peer can send two frames.
   */
  private void resetBeforeAnswer(TunnelStream stream) {
    long now = System.nanoTime();
    if (now - windowStart > limits.earlyResetWindow().toNanos()) {
      windowStart = now;
      earlyResets = 0;
    }
    if (++earlyResets > limits.earlyResetsPerWindow()) {
      context.metrics().peerConnectionClosed("rapid-reset");
      log.warn(
          "peer {} reset more than {} tunnel requests before their answer within {} s: closing its connection {}",
          peer,
          limits.earlyResetsPerWindow(),
          limits.earlyResetWindow().toSeconds(),
          stream.connection().channel().remoteAddress());
      earlyResets = 0;
      stream
          .connection()
          .goAwayAndClose(
              Http2Error.ENHANCE_YOUR_CALM, "too many tunnel requests reset before their answer");
    }
  }

  private GatewayMetrics.TunnelMeters unknownExport() {
    // not the requested name: a peer must not be able to create metric series at will
    return context.metrics().tunnels(Side.INGRESS, peer, "", "");
  }

  private void relay(
      TunnelStream stream,
      Channel backend,
      DialFailureHandler legFailures,
      String target,
      GatewayMetrics.TunnelMeters m,
      long requestedAt) {
    if (!stream.isOpen()) {
      backend.close();
      return;
    }
    m.opened(System.nanoTime() - requestedAt);
    log.debug("tunnel from peer {} to export {} opened ({})", peer, target, backend.localAddress());
    backend
        .closeFuture()
        .addListener(
            c -> {
              log.debug("tunnel from peer {} to export {} closed", peer, target);
              m.closed();
            });
    stream.answer(TunnelProtocol.accepted(), false);
    stream.attach(backend, m.fromPeer);
    backend.pipeline().replace(legFailures, "relay", new RelayHandler(stream, m.toPeer));
  }

  /**
   * The backend leg's handler until the relay is added. A dial that goes wrong can also surface as
   * an exception in the leg's own pipeline (seen in benchmark logs under connection churn:
   * NotYetConnectedException); the dial's listener answers the stream, so the leg is only closed
   * here, and nothing reaches the pipeline's tail.
   */
  @Sharable
  private static final class DialFailureHandler extends ChannelInboundHandlerAdapter {
    private Throwable seen;

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug(
          "backend leg {} failed before the relay started: {}", ctx.channel(), cause.toString());
      seen = cause;
      ctx.close();
    }

    /**
     * The failure to report: the leg's own exception when the dial saw only the close it caused.
     */
    Throwable explain(Throwable dialFailure) {
      return dialFailure instanceof ClosedChannelException && seen != null ? seen : dialFailure;
    }
  }

  private void refuse(
      TunnelStream stream, GatewayMetrics.TunnelMeters meters, Refusal refusal, String reason) {
    meters.refused(refusal.label());
    log.debug("refused tunnel from peer {}: {}", peer, reason);
    stream.refuse(TunnelProtocol.refused(refusal, reason));
  }
}
