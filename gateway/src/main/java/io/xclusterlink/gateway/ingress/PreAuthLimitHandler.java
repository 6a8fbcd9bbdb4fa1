package io.xclusterlink.gateway.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Sits right after the TLS handler of every gateway-port connection: takes a place in the {@link
 * PreAuthGate} or closes the connection at once, and gives the place back when the TLS handshake
 * has completed or failed, or the connection closed; then it removes itself. The handshake deadline
 * itself is the TLS handler's.
 */
final class PreAuthLimitHandler extends ChannelInboundHandlerAdapter {
  private final PreAuthGate gate;
  private InetAddress source;

  PreAuthLimitHandler(PreAuthGate gate) {
    this.gate = gate;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    if (!gate.tryEnter(ctx.channel(), source)) {
      PreAuthGate.abort(ctx.channel());
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (!done.isSuccess() && done.cause() instanceof SslHandshakeTimeoutException) {
        gate.handshakeTimedOut();
      }
      ctx.pipeline().remove(this);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release(ctx);
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release(ctx);
  }

  private void release(ChannelHandlerContext ctx) {
    if (source != null) {
      gate.leave(ctx.channel(), source);
    }
  }
}
