package io.xclusterlink.gateway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;

/** Closing rules shared by every pipeline. */
public final class Channels {
  private Channels() {}

  /** Closes the channel once everything written so far has been flushed. */
  public static void closeOnFlush(Channel ch) {
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else if (ch != null) {
      ch.close();
    }
  }

  /**
   * Shuts down the channel's output (TCP FIN) once everything written so far has been flushed; its
   * input stays open. A channel that cannot half-close is closed instead.
   */
  public static void shutdownOutputOnFlush(Channel ch) {
    if (ch instanceof DuplexChannel d && ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  d.shutdownOutput();
                } else {
                  ch.close();
                }
              });
    } else {
      closeOnFlush(ch);
    }
  }

  /** Closes a TCP connection with a reset (SO_LINGER 0), so that the client sees it refused. */
  public static void reset(Channel ch) {
    if (ch.isOpen()) {
      try {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
      } catch (RuntimeException ignored) {
        // not a socket with linger (e.g. embedded): a plain close is the best we can do
      }
      ch.close();
    }
  }
}
