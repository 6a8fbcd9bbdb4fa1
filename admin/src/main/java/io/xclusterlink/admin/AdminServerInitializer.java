package io.xclusterlink.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.concurrent.Executor;

/**
 * The pipeline of an admin connection: {@code http → aggregator → request}. The request handler
 * hands each request to the admin executor, because the store forces writes to disk and the event
 * loop (shared with the gateway's accept loop) must not block.
 */
final class AdminServerInitializer extends ChannelInitializer<Channel> {
  /** Largest request body: 1 MiB. */
  static final int MAX_BODY = 1 << 20;

  private final AdminRoutes routes;
  private final Executor requestExecutor;
  private final ChannelGroup connections;

  AdminServerInitializer(AdminRoutes routes, Executor requestExecutor, ChannelGroup connections) {
    this.routes = routes;
    this.requestExecutor = requestExecutor;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    ch.pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("aggregator", new AdminRequestAggregator(MAX_BODY))
        .addLast("request", new AdminRequestHandler(routes, requestExecutor));
  }
}
