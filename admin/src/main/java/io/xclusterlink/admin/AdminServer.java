package io.xclusterlink.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.xclusterlink.store.Store;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's admin REST API on HTTP/1.1: apply, get, list and delete objects of the store, and
 * health, status and metrics. Construction does no I/O; {@link #start()} binds. Requests are
 * served one at a time on the server's own thread, off the caller-owned event loops.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  private final InetSocketAddress bind;
  private final AdminRoutes routes;
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> channelClass;
  private final ChannelGroup connections = new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);
  private ExecutorService requestExecutor;
  private Channel serverChannel;
  private InetSocketAddress boundAddress;
  private boolean closed;

  /**
   * @param bind the address to listen on (keep it on loopback: the API is not authenticated)
   * @param status the answer of {@code GET /v1/status}, written as JSON
   * @param metricsText the answer of {@code GET /metrics}; null when metrics are off (404)
   * @param group caller-owned event loops for the server and its connections
   * @param channelClass the server channel class that fits {@code group} (NIO or epoll)
   */
  public AdminServer(
      InetSocketAddress bind,
      Store store,
      Admission admission,
      Supplier<Object> status,
      Supplier<String> metricsText,
      EventLoopGroup group,
      Class<? extends ServerChannel> channelClass) {
    this.bind = Objects.requireNonNull(bind, "bind");
    this.routes = new AdminRoutes(
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(admission, "admission"),
        Objects.requireNonNull(status, "status"),
        metricsText);
    this.group = Objects.requireNonNull(group, "group");
    this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
  }

  /**
   * Binds the admin address.
   *
   * @throws AdminStartException when the address is in use or cannot be bound
   */
  public synchronized AdminServer start() {
    if (serverChannel != null || closed) {
      throw new IllegalStateException("admin server on " + hostPort(bind) + " was already started");
    }
    requestExecutor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("xcl-admin", true));
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(channelClass)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new AdminServerInitializer(routes, requestExecutor, connections));
    ChannelFuture bound = b.bind(bind).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      stopRequestExecutor();
      throw bindFailure(bound.cause());
    }
    serverChannel = bound.channel();
    boundAddress = (InetSocketAddress) serverChannel.localAddress();
    log.info("admin API listening on http://{}", hostPort(boundAddress));
    return this;
  }

  private AdminStartException bindFailure(Throwable cause) {
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (message.contains("already in use")) {
      return new AdminStartException("admin address " + hostPort(bind) + " is already in use (expected: a free port)", cause);
    }
    return new AdminStartException("admin address " + hostPort(bind) + " cannot be bound: " + message
        + " (expected: a local address and a free port)", cause);
  }

  /** The bound address (useful when the bind address asked for port 0). */
  public synchronized InetSocketAddress address() {
    if (boundAddress == null) {
      throw new IllegalStateException("admin server on " + hostPort(bind) + " is not started");
    }
    return boundAddress;
  }

  /** Stops listening, closes every admin connection and the request thread. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
      log.info("admin API on http://{} closed", hostPort(boundAddress));
    }
    connections.close().awaitUninterruptibly();
    stopRequestExecutor();
  }

  private void stopRequestExecutor() {
    if (requestExecutor == null) {
      return;
    }
    requestExecutor.shutdown();
    try {
      if (!requestExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("admin API: a request still runs after 5 s; not waiting for it");
        requestExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      requestExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
