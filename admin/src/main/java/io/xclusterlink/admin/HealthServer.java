package io.xclusterlink.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe listener ({@code --health-listen}): plain HTTP that answers {@code GET /healthz} (the
 * process is alive) and {@code GET /readyz} (the gateway is ready) and nothing else, so that it can
 * be open to a kubelet without the admin API's credentials. It holds no state and is bounded: at
 * most {@link #MAX_CONNECTIONS} connections, a request line and headers of at most a few KiB, one
 * request per connection, and every connection closed {@link #TIMEOUT} after it was accepted.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

  static final int MAX_CONNECTIONS = 16;
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final InetSocketAddress bind;
  private final BooleanSupplier ready;
  private EventLoopGroup group;
  private Channel server;

  /**
   * @param bind where to listen
   * @param ready answers /readyz; called on the listener's thread, so it must not block
   */
  public HealthServer(InetSocketAddress bind, BooleanSupplier ready) {
    this.bind = bind;
    this.ready = ready;
  }

  /** Binds the listener; throws {@link IllegalStateException} naming the address if it cannot. */
  public HealthServer start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    AtomicInteger open = new AtomicInteger();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (open.incrementAndGet() > MAX_CONNECTIONS) {
                      open.decrementAndGet();
                      ch.close();
                      return;
                    }
                    ch.closeFuture().addListener(f -> open.decrementAndGet());
                    ch.eventLoop()
                        .schedule(
                            () -> {
                              ch.close();
                            },
                            TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS);
                    ch.pipeline()
                        .addLast(new HttpServerCodec(1024, 4096, 1024))
                        .addLast(new ProbeHandler(ready));
                  }
                });
    try {
      server = b.bind(bind).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      close();
      throw new IllegalStateException(
          "--health-listen " + bind.getHostString() + ":" + bind.getPort() + ": " + e.getMessage(),
          e);
    }
    log.info("health probes on http://{}:{}/healthz and /readyz", bind.getHostString(), port());
    return this;
  }

  /** The bound port (useful when asked for port 0). */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Answers the first request of a connection and closes it. */
  private static final class ProbeHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final BooleanSupplier ready;
    private boolean answered;

    ProbeHandler(BooleanSupplier ready) {
      this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (answered || !(msg instanceof HttpRequest req)) {
        return; // a body, or anything after the first request: ignored, the connection closes
      }
      answered = true;
      HttpResponseStatus status;
      String body;
      if (req.decoderResult().isFailure()) {
        status = HttpResponseStatus.BAD_REQUEST;
        body = "bad request";
      } else if (!req.uri().equals("/healthz") && !req.uri().equals("/readyz")) {
        status = HttpResponseStatus.NOT_FOUND;
        body = "not found (expected: /healthz or /readyz)";
      } else if (!HttpMethod.GET.equals(req.method())) {
        status = HttpResponseStatus.METHOD_NOT_ALLOWED;
        body = "method not allowed (expected: GET)";
      } else if (req.uri().equals("/healthz") || ready.getAsBoolean()) {
        status = HttpResponseStatus.OK;
        body = "ok";
      } else {
        status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        body = "not ready";
      }
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              Unpooled.copiedBuffer(body + "\n", StandardCharsets.US_ASCII));
      res.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
          .set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes())
          .set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("health probe connection {} failed: {}", ctx.channel(), cause.toString());
      ctx.close();
    }
  }
}
