package io.xclusterlink.gateway.ingress;

import io.xclusterlink.gateway.Failures;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2Headers;
import io.xclusterlink.api.Export;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.metrics.GatewayMetrics.Side;
import io.xclusterlink.gateway.relay.RelayHandler;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import io.xclusterlink.gateway.tunnel.TunnelConnection;
import io.xclusterlink.gateway.tunnel.TunnelStream;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.Refusal;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import io.xclusterlink.policy.Decision;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the requests peers send on new streams of one connection: a heartbeat is answered with
 * this peer's labels; a tunnel is authorized with the peer's certificate identity, the export is
 * dialed on the connection's own event loop, and on success the stream is answered 200 and relayed
 * to the backend.
 */
final class IngressStreams implements TunnelConnection.Acceptor {
  private static final Logger log = LoggerFactory.getLogger(IngressStreams.class);
  private static final int DIAL_TIMEOUT_MILLIS = 5_000;

  private final IngressServer.IngressContext context;
  private final String peer;

  IngressStreams(IngressServer.IngressContext context, String peer) {
    this.context = context;
    this.peer = peer;
  }

  @Override
  public void accept(TunnelStream stream, Http2Headers h, boolean endStream) {
    CharSequence path = h.path();
    if (path != null && TunnelProtocol.HEARTBEAT_PATH.contentEquals(path)) {
      stream.answer(TunnelProtocol.heartbeatAnswer(context.authorizer().self(), context.ownLabels().get()), true);
    } else if (path != null && TunnelProtocol.TUNNEL_PATH.contentEquals(path)) {
      tunnel(stream, h);
    } else {
      refuse(stream, Refusal.BAD_REQUEST, "unknown path '" + path + "' (expected: " + TunnelProtocol.TUNNEL_PATH + ")");
    }
  }

  private void tunnel(TunnelStream stream, Http2Headers h) {
    TunnelRequest req;
    try {
      req = TunnelProtocol.parseTunnelRequest(h);
    } catch (IllegalArgumentException e) {
      refuse(stream, Refusal.BAD_REQUEST, e.getMessage());
      return;
    }
    String target = req.exportNamespace() + "/" + req.exportName();
    Export export = context.authorizer().export(req.exportNamespace(), req.exportName());
    if (export == null) {
      refuse(stream, Refusal.NO_SUCH_EXPORT, "no such export " + target);
      return;
    }
    Decision d = context.authorizer().ingress(peer, export, req.clientAttributes());
    if (d instanceof Decision.Deny deny) {
      refuse(stream, Refusal.DENIED, "export " + target + " " + deny.reason() + " (at " + context.authorizer().self() + ")");
      return;
    }
    String host = export.spec().host();
    int port = export.spec().port();
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
                () -> bootstrap.connect(host, port),
                stream::isOpen,
                backend -> relay(stream, backend, legFailures, target),
                cause ->
                    refuse(stream, Refusal.BACKEND_UNREACHABLE,
                        "export " + target + ": backend " + host + ":" + port + " unreachable: "
                            + Failures.describe(legFailures.explain(cause))))
            .start();
    stream.onClosed(dial::cancel);
  }

  private void relay(TunnelStream stream, Channel backend, DialFailureHandler legFailures, String target) {
    if (!stream.isOpen()) {
      backend.close();
      return;
    }
    GatewayMetrics m = context.metrics();
    m.opened(Side.INGRESS);
    log.debug("tunnel from peer {} to export {} opened ({})", peer, target, backend.localAddress());
    backend.closeFuture().addListener(c -> {
      m.closed(Side.INGRESS);
      log.debug("tunnel from peer {} to export {} closed", peer, target);
    });
    stream.answer(TunnelProtocol.accepted(), false);
    stream.attach(backend, m::bytesFromPeer);
    backend.pipeline().replace(legFailures, "relay", new RelayHandler(stream, m::bytesToPeer));
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
      log.debug("backend leg {} failed before the relay started: {}", ctx.channel(), cause.toString());
      seen = cause;
      ctx.close();
    }

    /** The failure to report: the leg's own exception when the dial saw only the close it caused. */
    Throwable explain(Throwable dialFailure) {
      return dialFailure instanceof ClosedChannelException && seen != null ? seen : dialFailure;
    }
  }

  private void refuse(TunnelStream stream, Refusal refusal, String reason) {
    context.metrics().refused(Side.INGRESS, refusal.label());
    log.debug("refused tunnel from peer {}: {}", peer, reason);
    stream.refuse(TunnelProtocol.refused(refusal, reason));
  }
}
