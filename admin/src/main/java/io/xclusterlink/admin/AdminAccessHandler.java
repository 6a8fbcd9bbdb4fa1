package io.xclusterlink.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only when {@link AdminAccess} allows it, judged on its head before the
 * body is read; a refused request is answered with its status and one-line error, the rest of it is
 * dropped and the connection closed.
 */
final class AdminAccessHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AdminAccessHandler.class);

  private final AdminAccess access;
  private boolean refusing;

  AdminAccessHandler(AdminAccess access) {
    this.access = access;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      HttpHeaders h = req.headers();
      AdminAccess.Decision d;
      try {
        d =
            access.decide(
                new AdminAccess.Request(
                    req.method(),
                    new QueryStringDecoder(req.uri()).path(),
                    h.get(HttpHeaderNames.HOST),
                    h.get(HttpHeaderNames.ORIGIN),
                    h.get(HttpHeaderNames.CONTENT_TYPE),
                    h.get(HttpHeaderNames.AUTHORIZATION),
                    peerUid(ctx),
                    clientCertificate(ctx)));
      } catch (IOException e) {
        ReferenceCountUtil.release(msg);
        ctx.fireExceptionCaught(e);
        return;
      }
      if (d instanceof AdminAccess.Refuse refuse) {
        refusing = true;
        ReferenceCountUtil.release(msg);
        log.info(
            "admin {} {} from {} refused: {} {}",
            req.method(),
            req.uri(),
            remote(ctx),
            refuse.status().code(),
            refuse.message());
        FullHttpResponse res = AdminResponse.error(refuse.status(), refuse.message()).toHttp();
        HttpUtil.setKeepAlive(res, false);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      refusing = false;
      log.debug(
          "admin {} {} from {} as {}",
          req.method(),
          req.uri(),
          remote(ctx),
          ((AdminAccess.Allow) d).caller());
    } else if (refusing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static Integer peerUid(ChannelHandlerContext ctx) throws IOException {
    return ctx.channel() instanceof EpollDomainSocketChannel ch ? ch.peerCredentials().uid() : null;
  }

  private static X509Certificate clientCertificate(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  static String remote(ChannelHandlerContext ctx) {
    Object remote = ctx.channel().remoteAddress();
    return remote == null || remote.toString().isEmpty() || remote.toString().equals("null")
        ? "admin socket"
        : remote.toString();
  }
}
