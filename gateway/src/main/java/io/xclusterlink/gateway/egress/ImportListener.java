package io.xclusterlink.gateway.egress;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.xclusterlink.api.Import;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The local listener of one import. Its spec (sources, scheme) can change while it runs; the port
 * cannot (a new port means a new listener). Closing it frees the port and ends its connections.
 */
public final class ImportListener implements AutoCloseable {
  /** How long a failed source stays at the back of the order. */
  static final long COOL_DOWN_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final EgressContext context;
  private final LoadBalancer balancer = new LoadBalancer(COOL_DOWN_NANOS, new Random());
  private final ChannelGroup clients =
      new DefaultChannelGroup("import", GlobalEventExecutor.INSTANCE);
  private volatile Import current;
  private Channel server;

  public ImportListener(Import imp, EgressContext context) {
    this.current = imp;
    this.context = context;
  }

  /** Binds the import's target port; throws the bind failure (e.g. address in use). */
  public ImportListener bind(String address, EventLoopGroup boss, EventLoopGroup workers) {
    int port = current.spec().targetPort();
    server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(context.transport().serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // a client's FIN ends one direction of its tunnel, not the tunnel (docs/protocol.md)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Http2Codecs.LEG_WATER_MARK)
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, Http2Codecs.readSizes())
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    clients.add(ch);
                    ch.pipeline()
                        .addLast("egress", new EgressConnectionHandler(ImportListener.this));
                  }
                })
            .bind(address, port)
            .syncUninterruptibly()
            .channel();
    return this;
  }

  public Import current() {
    return current;
  }

  public void update(Import imp) {
    current = imp;
  }

  LoadBalancer balancer() {
    return balancer;
  }

  EgressContext context() {
    return context;
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public boolean listening() {
    return server != null && server.isActive();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    clients.close();
  }
}
