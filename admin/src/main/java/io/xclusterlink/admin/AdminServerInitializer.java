package io.xclusterlink.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of an admin connection on one listener: {@code timeout → idle → [ssl] → http →
 * access → aggregator → request}. A connection beyond the listener's cap is closed at accept. The
 * request handler hands each request to the admin executor, because the store forces writes to disk
 * and the event loop (shared with the gateway's accept loop) must not block.
 */
final class AdminServerInitializer extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(AdminServerInitializer.class);

  private final String listener;
  private final AdminRoutes routes;
  private final Executor requestExecutor;
  private final ChannelGroup connections;
  private final AdminAccess access;
  private final AdminLimits limits;
  private final Supplier<SslContext> tls;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean atLimit;

  /**
   * @param listener the listener's name for log lines
   * @param tls the TLS context of a TCP listener with mutual TLS, or null for none
   */
  AdminServerInitializer(
      String listener,
      AdminRoutes routes,
      Executor requestExecutor,
      ChannelGroup connections,
      AdminAccess access,
      AdminLimits limits,
      Supplier<SslContext> tls) {
    this.listener = listener;
    this.routes = routes;
    this.requestExecutor = requestExecutor;
    this.connections = connections;
    this.access = access;
    this.limits = limits;
    this.tls = tls;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      // one WARN when the cap is reached, not one per refused connection
      if (!atLimit) {
        atLimit = true;
        log.warn(
            "admin {}: {} connections open (limit); closing new ones until one ends",
            listener,
            limits.maxConnections());
      }
      ch.close();
      return;
    }
    ch.closeFuture()
        .addListener(
            f -> {
              if (open.decrementAndGet() < limits.maxConnections()) {
                atLimit = false;
              }
            });
    connections.add(ch);
    // idle before timeout: IdleStateHandler fires its event to the handlers after it
    ch.pipeline()
        .addLast(
            "idle",
            new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast(
            "timeout",
            new AdminRequestTimeoutHandler(limits.requestTimeout(), limits.idleTimeout()));
    if (tls != null) {
      ch.pipeline().addLast("ssl", tls.get().newHandler(ch.alloc()));
    }
    ch.pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("access", new AdminAccessHandler(access))
        .addLast("aggregator", new AdminRequestAggregator(limits.maxBody()))
        .addLast("request", new AdminRequestHandler(routes, requestExecutor));
  }
}
