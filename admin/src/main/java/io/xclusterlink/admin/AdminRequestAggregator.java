package io.xclusterlink.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a request and its body into one message, up to a limit; a larger body is answered with
 * 413 in the API's error format instead of Netty's empty one.
 */
final class AdminRequestAggregator extends HttpObjectAggregator {
  private static final Logger log = LoggerFactory.getLogger(AdminRequestAggregator.class);

  private final int maxBody;

  AdminRequestAggregator(int maxBody) {
    super(maxBody);
    this.maxBody = maxBody;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    if (!(oversized instanceof HttpRequest)) {
      super.handleOversizedMessage(ctx, oversized);
      return;
    }
    String message =
        "request body: more than "
            + maxBody
            + " bytes (expected: at most "
            + (maxBody % (1 << 20) == 0 ? (maxBody >> 20) + " MiB" : maxBody + " bytes")
            + ")";
    log.warn(
        "admin {} {} from {} refused: 413 {}",
        ((HttpRequest) oversized).method(),
        ((HttpRequest) oversized).uri(),
        AdminAccessHandler.remote(ctx),
        message);
    FullHttpResponse res =
        AdminResponse.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, message).toHttp();
    // as Netty does: when part of the body was already read, or the client will not keep the
    // connection, close it; otherwise the aggregator skips the rest of the body and the connection
    // lives on
    boolean close =
        oversized instanceof FullHttpMessage
            || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
    HttpUtil.setKeepAlive(res, !close);
    ctx.writeAndFlush(res)
        .addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
  }
}
