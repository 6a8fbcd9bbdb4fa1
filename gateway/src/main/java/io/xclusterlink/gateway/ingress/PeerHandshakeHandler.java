package io.xclusterlink.gateway.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AttributeKey;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.gateway.tunnel.ConnectionErrorHandler;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import io.xclusterlink.pki.PeerIdentity;
import io.xclusterlink.pki.PkiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the TLS handshake, takes the peer identity from the client certificate, checks that
 * HTTP/2 was negotiated and replaces itself with the connection's {@link
 * io.xclusterlink.gateway.tunnel.TunnelConnection}.
 */
final class PeerHandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PeerHandshakeHandler.class);

  /** The authenticated peer name of a gateway-to-gateway connection. */
  static final AttributeKey<String> PEER = AttributeKey.valueOf("xcl.peer");

  /** Refusals of strangers: one INFO line each, but a flood gets one line a second with a count. */
  private final LimitLog refusals;

  private final IngressServer.IngressContext context;

  /**
   * @param refusals the gateway port's log of refused strangers: one INFO line each, but a flood
   *     gets one line a second with a count
   */
  PeerHandshakeHandler(IngressServer.IngressContext context, LimitLog refusals) {
    this.refusals = refusals;
    this.context = context;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof SslHandshakeCompletionEvent done)) {
      super.userEventTriggered(ctx, evt);
      return;
    }
    if (!done.isSuccess()) {
      refusals.hit(
          "refused connection from {}: {}",
          ctx.channel().remoteAddress(),
          handshakeFailure(done.cause()));
      ctx.close();
      return;
    }
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    String peer;
    try {
      peer = PeerIdentity.fromSession(ssl.engine().getSession());
    } catch (PkiException e) {
      refusals.hit("refused connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
      ctx.close();
      return;
    }
    if (!TunnelProtocol.ALPN.equals(ssl.applicationProtocol())) {
      refusals.hit(
          "refused connection from peer {} at {}: ALPN '{}' (expected: {})",
          peer,
          ctx.channel().remoteAddress(),
          ssl.applicationProtocol(),
          TunnelProtocol.ALPN);
      ctx.close();
      return;
    }
    ctx.channel().attr(PEER).set(peer);
    log.debug("peer {} connected from {}", peer, ctx.channel().remoteAddress());
    ctx.pipeline()
        .addAfter(ctx.name(), "h2", Http2Codecs.server(new IngressStreams(context, peer)));
    ctx.pipeline().addAfter("h2", "errors", ConnectionErrorHandler.INSTANCE);
    ctx.pipeline().remove(this);
  }

  /**
   * A failed handshake also surfaces here, before or after its completion event; the event logs it,
   * once. Anything else before the handshake completes is the stranger's loss too.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "connection from {} failed before its handshake completed: {}",
        ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }

  private static String handshakeFailure(Throwable cause) {
    if (cause instanceof NotSslRecordException
        || (cause instanceof DecoderException
            && cause.getCause() instanceof NotSslRecordException)) {
      return "not TLS (expected: a TLS 1.3 ClientHello)";
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return "TLS handshake not completed in time: " + cause.getMessage();
    }
    return "TLS handshake failed: " + Failures.describe(cause);
  }
}
