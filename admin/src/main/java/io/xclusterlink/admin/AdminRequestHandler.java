package io.xclusterlink.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.store.StoreConflictException;
import io.xclusterlink.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one aggregated request through {@link AdminRoutes}, and is the one place where failures
 * become status codes: invalid object 400, not found 404, wrong method 405, stale resourceVersion
 * 409, over a route's bound 413 or 409 ({@link LimitExceededException}), anything else 500 (logged
 * once). The routes run on the admin request executor, never on the event loop, because the store
 * forces writes to disk; being one thread, it also answers pipelined requests in order.
 */
final class AdminRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AdminRequestHandler.class);

  private final AdminRoutes routes;
  private final Executor requestExecutor;

  AdminRequestHandler(AdminRoutes routes, Executor requestExecutor) {
    this.routes = routes;
    this.requestExecutor = requestExecutor;
  }

  /**
   * What the executor needs of a request: the message itself is released when channelRead0 returns.
   */
  private record Request(
      HttpMethod method, String uri, String body, boolean keepAlive, Throwable decodeFailure) {}

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    ctx.pipeline().fireUserEventTriggered(AdminRequestTimeoutHandler.REQUEST_COMPLETE);
    Request req =
        new Request(
            msg.method(),
            msg.uri(),
            msg.content().toString(StandardCharsets.UTF_8),
            HttpUtil.isKeepAlive(msg) && msg.decoderResult().isSuccess(),
            msg.decoderResult().isFailure() ? msg.decoderResult().cause() : null);
    try {
      requestExecutor.execute(() -> answer(ctx, req));
    } catch (RejectedExecutionException e) {
      // the server is closing
      ctx.close();
    }
  }

  private void answer(ChannelHandlerContext ctx, Request req) {
    AdminResponse res =
        req.decodeFailure() != null
            ? AdminResponse.error(
                HttpResponseStatus.BAD_REQUEST,
                "request cannot be decoded: " + oneLine(req.decodeFailure()))
            : respond(ctx, req);
    log.debug(
        "admin {} {} {} -> {}",
        AdminAccessHandler.remote(ctx),
        req.method(),
        req.uri(),
        res.status().code());
    FullHttpResponse http = res.toHttp();
    HttpUtil.setKeepAlive(http, req.keepAlive());
    ctx.writeAndFlush(http)
        .addListener(
            req.keepAlive() ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
  }

  private AdminResponse respond(ChannelHandlerContext ctx, Request req) {
    try {
      return routes.handle(req.method(), req.uri(), req.body());
    } catch (InvalidObjectException e) {
      return AdminResponse.error(HttpResponseStatus.BAD_REQUEST, oneLine(e));
    } catch (NotFoundException e) {
      return AdminResponse.error(HttpResponseStatus.NOT_FOUND, e.getMessage());
    } catch (MethodNotAllowedException e) {
      return AdminResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED, e.getMessage())
          .withHeader(HttpHeaderNames.ALLOW.toString(), e.allow());
    } catch (StoreConflictException e) {
      return AdminResponse.error(HttpResponseStatus.CONFLICT, oneLine(e));
    } catch (LimitExceededException e) {
      return AdminResponse.error(e.status(), e.getMessage());
    } catch (StoreException e) {
      log.warn(
          "admin {} {} from {} failed: {}",
          req.method(),
          req.uri(),
          AdminAccessHandler.remote(ctx),
          e.getMessage(),
          e);
      return AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, oneLine(e));
    } catch (RuntimeException e) {
      log.warn(
          "admin {} {} from {} failed", req.method(), req.uri(), AdminAccessHandler.remote(ctx), e);
      return AdminResponse.error(
          HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + oneLine(e));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException || cause.getCause() instanceof javax.net.ssl.SSLException) {
      log.debug("admin connection {} failed: {}", AdminAccessHandler.remote(ctx), cause.toString());
    } else {
      log.warn("admin connection {} failed", AdminAccessHandler.remote(ctx), cause);
    }
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /** The first line of the message, or the exception's name when it has none. */
  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    String line = nl < 0 ? m : m.substring(0, nl);
    return e instanceof InvalidObjectException || e instanceof StoreException
        ? line
        : e.getClass().getSimpleName() + ": " + line;
  }
}
