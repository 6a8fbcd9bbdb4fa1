package io.xclusterlink.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.xclusterlink.gateway.tunnel.TunnelStream;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP leg of a tunnel (the client connection on the egress side, the backend connection on the
 * ingress side): each read is sent on the tunnel's stream as it is, without a copy, and the stream
 * is flushed once per read burst. The reverse direction is written to this leg by the {@link
 * TunnelStream} itself.
 *
 * <p>Backpressure: the stream switches this leg's auto-read off while it cannot send and on again
 * when it can; when this leg's own socket buffer drains, the bytes it took from the peer are
 * returned to the stream's window.
 *
 * <p>Closing: the leg runs with {@code ALLOW_HALF_CLOSURE}, so the other end's FIN arrives as an
 * input-shutdown event and ends only this direction of the stream (END_STREAM); the stream shuts
 * down this leg's output when the peer's direction ends. This leg closing altogether (an error, or
 * the tunnel being torn down) is {@link TunnelStream#legClosed}.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

  private final TunnelStream stream;
  private final LongConsumer bytesCounter;

  /**
   * @param stream the tunnel's stream half
   * @param bytesCounter receives the number of bytes sent from this leg to the peer
   */
  public RelayHandler(TunnelStream stream, LongConsumer bytesCounter) {
    this.stream = stream;
    this.bytesCounter = bytesCounter;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      // the leg died before the relay was in place: take the stream down too
      stream.cancel();
      return;
    }
    if (ctx.channel() instanceof DuplexChannel d && d.isInputShutdown()) {
      // its FIN was read before the relay ran (see EgressConnectionHandler): nothing is left to
      // read
      return;
    }
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    bytesCounter.accept(buf.readableBytes());
    stream.send(buf);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    stream.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      stream.legWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // epoll may report the end of input a second time as ReadComplete; ending twice is a no-op
    if (evt instanceof ChannelInputShutdownEvent
        || evt instanceof ChannelInputShutdownReadComplete) {
      stream.end();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stream.legClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // e.g. reset by the client: closing the leg resets the stream in channelInactive unless the
    // peer's direction had already ended
    log.debug("tunnel leg {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
