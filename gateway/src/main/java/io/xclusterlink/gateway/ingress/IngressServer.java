package io.xclusterlink.gateway.ingress;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.gateway.config.GatewayLimits;
import io.xclusterlink.gateway.config.GatewayStartException;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import io.xclusterlink.pki.TlsContexts;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gateway-to-gateway port. Every accepted connection is TLS 1.3 with a client certificate
 * from the fabric; the peer identity is read from that certificate. Closing all connections (after
 * a certificate reload) forces peers to handshake again with the new credentials.
 */
public final class IngressServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngressServer.class);

  private final InetSocketAddress bind;
  private final TlsContexts tls;
  private final IngressContext context;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Transport transport;
  private final PreAuthGate preAuth;
  private final LimitLog refusals =
      new LimitLog(
          LoggerFactory.getLogger(PeerHandshakeHandler.class),
          org.slf4j.event.Level.INFO,
          java.time.Duration.ofSeconds(1));
  private final ChannelGroup connections =
      new DefaultChannelGroup("ingress", GlobalEventExecutor.INSTANCE);
  private Channel serverChannel;

  /**
   * What the stream handlers need from the rest of the gateway.
   *
   * @param backends where an export's backend is (its host, or on Kubernetes its Service)
   * @param ownGateways the GatewayExIps this gateway publishes to its peers, each encoded as one
   *     header value (see {@code GatewayExIpSync})
   */
  public record IngressContext(
      Authorizer authorizer,
      GatewayMetrics metrics,
      Transport transport,
      Supplier<Map<String, String>> ownLabels,
      GatewayLimits limits,
      BackendResolver backends,
      Supplier<java.util.List<String>> ownGateways) {
    /**
     * The context of a gateway whose exports name their hosts and that publishes no GatewayExIp.
     */
    public IngressContext(
        Authorizer authorizer,
        GatewayMetrics metrics,
        Transport transport,
        Supplier<Map<String, String>> ownLabels,
        GatewayLimits limits) {
      this(
          authorizer,
          metrics,
          transport,
          ownLabels,
          limits,
          BackendResolver.SPEC,
          java.util.List::of);
    }
  }

  public IngressServer(
      InetSocketAddress bind,
      TlsContexts tls,
      IngressContext context,
      EventLoopGroup boss,
      EventLoopGroup workers) {
    this.bind = bind;
    this.tls = tls;
    this.context = context;
    this.boss = boss;
    this.workers = workers;
    this.transport = context.transport();
    this.preAuth = new PreAuthGate(context.limits(), context.metrics());
  }

  public IngressServer start() {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(transport.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Http2Codecs.CONNECTION_WATER_MARK)
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, Http2Codecs.readSizes())
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    SslHandler ssl = tls.server().newHandler(ch.alloc());
                    ssl.setHandshakeTimeoutMillis(context.limits().handshakeTimeout().toMillis());
                    ch.pipeline()
                        .addLast("tls", ssl)
                        .addLast("preauth", new PreAuthLimitHandler(preAuth))
                        .addLast(
                            "flush",
                            new FlushConsolidationHandler(
                                Http2Codecs.EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                        .addLast("handshake", new PeerHandshakeHandler(context, refusals));
                  }
                });
    try {
      serverChannel = b.bind(bind).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      throw new GatewayStartException(
          "gateway port "
              + hostPort(bind)
              + " cannot be bound: "
              + Failures.describe(e)
              + " (expected: a free port)",
          e);
    }
    log.info(
        "gateway port listening on {} ({} transport, TLS {}; at most {} connections in their TLS handshake, {} per source, {} ms each)",
        hostPort(address()),
        transport.name(),
        tls.provider(),
        preAuth.maxTotal(),
        context.limits().preAuthConnectionsPerSource(),
        context.limits().handshakeTimeout().toMillis());
    return this;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Connections on the gateway port that have not completed their TLS handshake (tests). */
  public int connectionsInHandshake() {
    return preAuth.inHandshake();
  }

  /** Closes every accepted connection, e.g. after this peer's certificates were replaced. */
  public void closeAllConnections() {
    connections.close();
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    connections.close().awaitUninterruptibly();
  }

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
