package io.xclusterlink.gateway.tunnel;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.xclusterlink.gateway.transport.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every gateway-to-gateway connection: an error that no handler before it took
 * care of is logged once with the connection's context and the connection is closed, so nothing
 * reaches the pipeline's tail.
 */
@Sharable
public final class ConnectionErrorHandler extends ChannelInboundHandlerAdapter {
  public static final ConnectionErrorHandler INSTANCE = new ConnectionErrorHandler();
  private static final Logger log = LoggerFactory.getLogger(ConnectionErrorHandler.class);

  private ConnectionErrorHandler() {}

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.info(
        "gateway connection {} <-> {} closed after an error: {}",
        ctx.channel().localAddress(),
        ctx.channel().remoteAddress(),
        Failures.describe(cause));
    ctx.close();
  }
}
