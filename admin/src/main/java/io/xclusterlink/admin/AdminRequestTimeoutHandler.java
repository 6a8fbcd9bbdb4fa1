package io.xclusterlink.admin;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in an admin pipeline: once bytes of a request arrive, the complete request must follow
 * within the request timeout (a trickled body or header is cut off), and a connection idle for the
 * idle timeout (an {@link IdleStateEvent} of the {@code IdleStateHandler} behind it) is closed. The
 * request handler ends the request timer by firing {@link #REQUEST_COMPLETE} from the pipeline's
 * head.
 */
final class AdminRequestTimeoutHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(AdminRequestTimeoutHandler.class);

  /** Fired (from the head) when a complete request has been decoded. */
  static final Object REQUEST_COMPLETE =
      new Object() {
        @Override
        public String toString() {
          return "REQUEST_COMPLETE";
        }
      };

  private final Duration timeout;
  private final Duration idle;
  private ScheduledFuture<?> timer;

  AdminRequestTimeoutHandler(Duration timeout, Duration idle) {
    this.timeout = timeout;
    this.idle = idle;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    // the TLS handshake and the first request count from the connection's start
    arm(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (timer == null) {
      arm(ctx);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == REQUEST_COMPLETE) {
      disarm();
      return;
    }
    if (evt instanceof IdleStateEvent) {
      log.info(
          "admin connection from {} closed: idle for {} s (limit)",
          AdminAccessHandler.remote(ctx),
          idle.toSeconds());
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }

  private void arm(ChannelHandlerContext ctx) {
    if (timer != null) {
      return;
    }
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  timer = null;
                  if (ctx.channel().isActive()) {
                    log.warn(
                        "admin connection from {} closed: no complete request within {} ms (limit)",
                        AdminAccessHandler.remote(ctx),
                        timeout.toMillis());
                    ctx.close();
                  }
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
