package io.xclusterlink.gateway.ingress;

import io.xclusterlink.gateway.Failures;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.xclusterlink.api.Export;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.metrics.GatewayMetrics.Side;
import io.xclusterlink.gateway.relay.RelayHandler;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.Refusal;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import io.xclusterlink.policy.Decision;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the request on one HTTP/2 stream from a peer: a heartbeat is answered with this peer's
 * labels; a tunnel is authorized with the peer's certificate identity, the export is dialed on the
 * stream's own event loop, and on success the stream is answered 200 and becomes a relay.
 */
final class IngressStreamHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(IngressStreamHandler.class);
  private static final int DIAL_TIMEOUT_MILLIS = 5_000;

  private final IngressServer.IngressContext context;
  private final String peer;
  private boolean started;

  IngressStreamHandler(IngressServer.IngressContext context, String peer) {
    this.context = context;
    this.peer = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (started || !(msg instanceof Http2HeadersFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    started = true;
    Http2Headers h = frame.headers();
    CharSequence path = h.path();
    if (path != null && TunnelProtocol.HEARTBEAT_PATH.contentEquals(path)) {
      ctx.writeAndFlush(
          new DefaultHttp2HeadersFrame(
              TunnelProtocol.heartbeatAnswer(context.authorizer().self(), context.ownLabels().get()), true));
    } else if (path != null && TunnelProtocol.TUNNEL_PATH.contentEquals(path)) {
      ctx.channel().config().setAutoRead(false);
      tunnel(ctx, h);
    } else {
      refuse(ctx, Refusal.BAD_REQUEST, "unknown path '" + path + "' (expected: " + TunnelProtocol.TUNNEL_PATH + ")");
    }
  }

  private void tunnel(ChannelHandlerContext ctx, Http2Headers h) {
    TunnelRequest req;
    try {
      req = TunnelProtocol.parseTunnelRequest(h);
    } catch (IllegalArgumentException e) {
      refuse(ctx, Refusal.BAD_REQUEST, e.getMessage());
      return;
    }
    String target = req.exportNamespace() + "/" + req.exportName();
    Export export = context.authorizer().export(req.exportNamespace(), req.exportName());
    if (export == null) {
      refuse(ctx, Refusal.NO_SUCH_EXPORT, "no such export " + target);
      return;
    }
    Decision d = context.authorizer().ingress(peer, export, req.clientAttributes());
    if (d instanceof Decision.Deny deny) {
      refuse(ctx, Refusal.DENIED, "export " + target + " " + deny.reason() + " (at " + context.authorizer().self() + ")");
      return;
    }
    Channel stream = ctx.channel();
    String host = export.spec().host();
    int port = export.spec().port();
    DialFailureHandler legFailures = new DialFailureHandler();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(stream.eventLoop())
            .channel(context.transport().channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Http2Codecs.LEG_WATER_MARK)
            .option(ChannelOption.RCVBUF_ALLOCATOR, Http2Codecs.readSizes())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, DIAL_TIMEOUT_MILLIS)
            .handler(legFailures);
    BackendDial dial =
        new BackendDial(
                () -> bootstrap.connect(host, port),
                stream::isActive,
                backend -> relay(ctx, stream, backend, legFailures, target),
                cause ->
                    refuse(ctx, Refusal.BACKEND_UNREACHABLE,
                        "export " + target + ": backend " + host + ":" + port + " unreachable: "
                            + Failures.describe(legFailures.explain(cause))))
            .start();
    stream.closeFuture().addListener(c -> dial.cancel());
  }

  private void relay(
      ChannelHandlerContext ctx, Channel stream, Channel backend, DialFailureHandler legFailures, String target) {
    if (!stream.isActive()) {
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
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(TunnelProtocol.accepted(), false));
    backend.pipeline().replace(legFailures, "relay", new RelayHandler(stream, true, m::bytesToPeer));
    ctx.pipeline().replace(this, "relay", new RelayHandler(backend, false, m::bytesFromPeer));
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

  private void refuse(ChannelHandlerContext ctx, Refusal refusal, String reason) {
    context.metrics().refused(Side.INGRESS, refusal.label());
    log.debug("refused tunnel from peer {}: {}", peer, reason);
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(TunnelProtocol.refused(refusal, reason), true))
        .addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("stream from peer {} failed: {}", peer, cause.toString());
    ctx.close();
  }
}
