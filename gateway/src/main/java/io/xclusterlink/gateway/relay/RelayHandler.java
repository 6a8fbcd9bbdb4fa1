package io.xclusterlink.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one leg of a tunnel into the other: a TCP leg carries {@link ByteBuf}s, an HTTP/2 stream
 * leg carries {@link Http2DataFrame}s. Buffers pass through without copies: a TCP read becomes the
 * content of a DATA frame and a DATA frame's content is written to TCP as it is.
 *
 * <p>Backpressure: this side's auto-read is switched off as soon as the other leg stops being
 * writable (socket buffer full, or HTTP/2 flow-control window used up) and switched on again by
 * the other leg's writability event. Writes are flushed once per read burst.
 *
 * <p>Closing: when the TCP leg closes, the stream is ended with an empty DATA frame carrying
 * END_STREAM; when END_STREAM arrives on the stream leg, the TCP leg is closed after flushing.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

  private final Channel other;
  private final boolean otherIsStream;
  private final LongConsumer bytesCounter;
  private boolean endStreamSeen;

  /**
   * @param other the opposite leg
   * @param otherIsStream true when the opposite leg is an HTTP/2 stream (this leg is TCP)
   * @param bytesCounter receives the number of bytes relayed from this leg to the other
   */
  public RelayHandler(Channel other, boolean otherIsStream, LongConsumer bytesCounter) {
    this.other = other;
    this.otherIsStream = otherIsStream;
    this.bytesCounter = bytesCounter;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      // the leg died before the relay was in place: take the other one down too
      Channels.closeOnFlush(other);
      return;
    }
    ctx.channel().config().setAutoRead(true);
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (otherIsStream) {
      ByteBuf buf = (ByteBuf) msg;
      bytesCounter.accept(buf.readableBytes());
      other.write(new DefaultHttp2DataFrame(buf, false), other.voidPromise());
    } else if (msg instanceof Http2DataFrame frame) {
      ByteBuf content = frame.content();
      if (content.isReadable()) {
        bytesCounter.accept(content.readableBytes());
        other.write(content, other.voidPromise());
      } else {
        frame.release();
      }
      if (frame.isEndStream()) {
        endStreamSeen = true;
        Channels.closeOnFlush(other);
        if (!other.isActive()) {
          ctx.close();
        }
        return;
      }
    } else {
      // HEADERS (trailers) or other frames carry nothing to relay
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!other.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    other.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      other.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (otherIsStream) {
      // the TCP leg is gone: end our half of the stream; the peer closes its leg when it sees it
      if (other.isActive()) {
        other.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
      }
    } else if (!endStreamSeen) {
      // the stream was reset or its connection died: nothing more will come
      Channels.closeOnFlush(other);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("tunnel leg {} failed: {}", ctx.channel(), cause.toString());
    if (otherIsStream) {
      // a TCP leg failed (e.g. reset by the client): closing it ends the stream with END_STREAM in
      // channelInactive, which costs the pooled connection no RST_STREAM
      ctx.close();
    } else {
      ctx.close();
      Channels.closeOnFlush(other);
    }
  }
}
