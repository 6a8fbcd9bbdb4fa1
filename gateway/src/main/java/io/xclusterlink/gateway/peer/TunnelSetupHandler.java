package io.xclusterlink.gateway.peer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The egress side of one request on a fresh stream: sends the request headers when the stream
 * becomes active and completes the promise with the stream on a 200 answer, or fails it with the
 * refusal and its reason. Frames that arrive after the answer and before the relay takes over are
 * held and handed to the relay in order by {@link #handOff}.
 */
public final class TunnelSetupHandler extends ChannelInboundHandlerAdapter {
  private final Http2Headers request;
  private final boolean endStream;
  private final Promise<AnsweredStream> promise;
  private final long timeoutMillis;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private boolean answered;
  private boolean sent;
  private boolean inactive;
  private ScheduledFuture<?> timeout;

  /** A stream whose request was answered 200, with the answer's headers. */
  public record AnsweredStream(Channel stream, Http2Headers answer) {}

  TunnelSetupHandler(Http2Headers request, boolean endStream, Promise<AnsweredStream> promise, long timeoutMillis) {
    this.request = request;
    this.endStream = endStream;
    this.promise = promise;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    send(ctx);
    ctx.fireChannelActive();
  }

  /** Sends the request once, whether the stream was active when the handler was added or became so later. */
  private void send(ChannelHandlerContext ctx) {
    if (sent) {
      return;
    }
    sent = true;
    ctx.channel().config().setAutoRead(true);
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (promise.tryFailure(new IOException("no answer within " + timeoutMillis + " ms"))) {
                    ctx.close();
                  }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(request, endStream))
        .addListener(
            f -> {
              if (!f.isSuccess() && promise.tryFailure(new IOException("request not sent: " + f.cause()))) {
                ctx.close();
              }
            });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      send(ctx);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (answered) {
      held.add(msg);
      return;
    }
    if (!(msg instanceof Http2HeadersFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    answered = true;
    cancelTimeout();
    Http2Headers h = frame.headers();
    int status = TunnelProtocol.status(h);
    if (status == 200) {
      ctx.channel().config().setAutoRead(false);
      if (!promise.trySuccess(new AnsweredStream(ctx.channel(), h))) {
        ctx.close();
      }
    } else {
      promise.tryFailure(
          new TunnelRefusedException(TunnelProtocol.Refusal.fromStatus(status), TunnelProtocol.reason(h)));
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive = true;
    cancelTimeout();
    promise.tryFailure(new IOException("stream closed before an answer"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    cancelTimeout();
    promise.tryFailure(cause);
    ctx.close();
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  /**
   * Replaces this handler with {@code relay} on the stream's event loop and passes it every frame
   * held since the answer, then any end of the stream that happened meanwhile.
   */
  public static void handOff(Channel stream, ChannelHandler relay) {
    stream.eventLoop().execute(() -> {
      TunnelSetupHandler setup = stream.pipeline().get(TunnelSetupHandler.class);
      stream.pipeline().addLast("relay", relay);
      if (setup == null) {
        return;
      }
      ChannelHandlerContext ctx = stream.pipeline().context(setup);
      while (!setup.held.isEmpty()) {
        ctx.fireChannelRead(setup.held.poll());
      }
      boolean wasInactive = setup.inactive;
      stream.pipeline().remove(setup);
      if (wasInactive) {
        stream.pipeline().fireChannelInactive();
      } else {
        stream.pipeline().fireChannelReadComplete();
      }
    });
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    while (!held.isEmpty()) {
      ReferenceCountUtil.release(held.poll());
    }
  }
}
