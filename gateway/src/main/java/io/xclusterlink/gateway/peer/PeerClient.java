package io.xclusterlink.gateway.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseNotifier;
import io.xclusterlink.gateway.transport.Failures;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.gateway.tunnel.ConnectionErrorHandler;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import io.xclusterlink.gateway.tunnel.TunnelConnection;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import io.xclusterlink.gateway.tunnel.TunnelStream;
import io.xclusterlink.pki.PeerIdentity;
import io.xclusterlink.pki.PkiException;
import io.xclusterlink.pki.TlsContexts;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections from this gateway to one peer: at most one long-lived mTLS HTTP/2 connection per
 * event loop, so that a tunnel opened for a client accepted on loop L is carried on L's connection
 * with no thread hand-off. A new connection tries the peer's gateway addresses in order, starting
 * with the last one that worked. Tunnels and heartbeats are streams on these connections, so a new
 * client connection costs one round trip and no TLS handshake. Thread-safe.
 */
public final class PeerClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerClient.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 3_000;
  private static final long ANSWER_TIMEOUT_MILLIS = 5_000;

  private final String peer;
  private final TlsContexts tls;
  private final Transport transport;
  private volatile List<Endpoint> endpoints;
  private volatile int preferred;
  private volatile boolean closed;
  private final Map<EventLoop, Future<TunnelConnection>> connections = new ConcurrentHashMap<>();

  /**
   * Every open connection, including those no longer in {@link #connections} because they are
   * draining (GOAWAY, stream ids used up): a credential or address change must reach them too.
   */
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();

  public PeerClient(String peer, List<Endpoint> endpoints, TlsContexts tls, Transport transport) {
    this.peer = peer;
    this.endpoints = List.copyOf(endpoints);
    this.tls = tls;
    this.transport = transport;
  }

  public String peer() {
    return peer;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * New addresses apply to new connections; existing ones are dropped if their address went away.
   */
  public void setEndpoints(List<Endpoint> next) {
    if (!next.equals(endpoints)) {
      endpoints = List.copyOf(next);
      preferred = 0;
      dropConnections();
    }
  }

  /**
   * Opens a tunnel to {@code request}'s export on the connection of {@code loop}. The future
   * completes with the stream once the peer answered 200 (DATA that arrives before a leg is
   * {@linkplain TunnelStream#attach attached} is held), or fails with a {@link
   * io.xclusterlink.gateway.tunnel.TunnelRefusedException} or an I/O error.
   */
  public Future<TunnelStream> openTunnel(EventLoop loop, TunnelRequest request) {
    Promise<TunnelStream> result = loop.newPromise();
    request(loop, TunnelProtocol.tunnelRequest(peer, request), false)
        .addListener(
            (Future<TunnelConnection.Answered> f) -> {
              if (f.isSuccess()) {
                if (!result.trySuccess(f.getNow().stream())) {
                  f.getNow().stream().cancel();
                }
              } else {
                result.tryFailure(f.cause());
              }
            });
    return result;
  }

  /** Sends one heartbeat on {@code loop}'s connection; completes with the peer's labels. */
  public Future<Map<String, String>> heartbeat(EventLoop loop) {
    Promise<Map<String, String>> result = loop.newPromise();
    request(loop, TunnelProtocol.heartbeatRequest(peer), true)
        .addListener(
            (Future<TunnelConnection.Answered> f) -> {
              if (f.isSuccess()) {
                result.trySuccess(TunnelProtocol.parseLabels(f.getNow().answer()));
              } else {
                result.tryFailure(f.cause());
              }
            });
    return result;
  }

  /**
   * Asks the peer for the GatewayExIps it publishes, on {@code loop}'s connection; completes with
   * the encoded objects, or fails (a peer that does not publish answers 400, a {@link
   * io.xclusterlink.gateway.tunnel.TunnelRefusedException}).
   */
  public Future<List<String>> gateways(EventLoop loop) {
    Promise<List<String>> result = loop.newPromise();
    request(loop, TunnelProtocol.gatewaysRequest(peer), true)
        .addListener(
            (Future<TunnelConnection.Answered> f) -> {
              if (f.isSuccess()) {
                result.trySuccess(TunnelProtocol.parseGateways(f.getNow().answer()));
              } else {
                result.tryFailure(f.cause());
              }
            });
    return result;
  }

  /** The address of the connection currently used on {@code loop}, for status messages. */
  public String connectedEndpoint(EventLoop loop) {
    Future<TunnelConnection> f = connections.get(loop);
    if (f != null && f.isSuccess() && f.getNow().usable()) {
      return String.valueOf(f.getNow().channel().attr(ENDPOINT).get());
    }
    return endpoints.isEmpty() ? "?" : endpoints.get(preferred % endpoints.size()).toString();
  }

  private static final io.netty.util.AttributeKey<Endpoint> ENDPOINT =
      io.netty.util.AttributeKey.valueOf("xcl.endpoint");

  private Future<TunnelConnection.Answered> request(
      EventLoop loop, Http2Headers headers, boolean endStream) {
    Future<TunnelConnection> connection = connection(loop);
    if (connection.isSuccess() && loop.inEventLoop()) {
      // the common case: a live connection, asked from its own loop
      return connection.getNow().open(headers, endStream, ANSWER_TIMEOUT_MILLIS);
    }
    Promise<TunnelConnection.Answered> answered = loop.newPromise();
    connection.addListener(
        (Future<TunnelConnection> cf) -> {
          if (!cf.isSuccess()) {
            answered.tryFailure(cf.cause());
            return;
          }
          PromiseNotifier.cascade(
              cf.getNow().open(headers, endStream, ANSWER_TIMEOUT_MILLIS), answered);
        });
    return answered;
  }

  /** The live connection of {@code loop}, or a new one (one connect at a time per loop). */
  private Future<TunnelConnection> connection(EventLoop loop) {
    if (closed) {
      return loop.newFailedFuture(new IOException("peer client for " + peer + " is closed"));
    }
    Future<TunnelConnection> current = connections.get(loop);
    if (current != null
        && (!current.isDone() || (current.isSuccess() && current.getNow().usable()))) {
      return current;
    }
    Promise<TunnelConnection> next = loop.newPromise();
    if (current == null
        ? connections.putIfAbsent(loop, next) != null
        : !connections.replace(loop, current, next)) {
      return connection(loop);
    }
    List<Endpoint> eps = endpoints;
    if (eps.isEmpty()) {
      next.tryFailure(new IOException("peer " + peer + " has no gateway addresses"));
    } else {
      connect(loop, eps, 0, preferred, next, new StringBuilder());
    }
    return next;
  }

  private void connect(
      EventLoop loop,
      List<Endpoint> eps,
      int attempt,
      int start,
      Promise<TunnelConnection> result,
      StringBuilder errors) {
    if (attempt >= eps.size()) {
      result.tryFailure(new IOException("no gateway of peer " + peer + " answered: " + errors));
      return;
    }
    int index = (start + attempt) % eps.size();
    Endpoint ep = eps.get(index);
    Promise<TunnelConnection> ready = loop.newPromise();
    new Bootstrap()
        .group(loop)
        .channel(transport.channelClass())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Http2Codecs.CONNECTION_WATER_MARK)
        .option(ChannelOption.RCVBUF_ALLOCATOR, Http2Codecs.readSizes())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.attr(ENDPOINT).set(ep);
                ch.pipeline()
                    .addLast("tls", tls.client().newHandler(ch.alloc(), peer, ep.port()))
                    .addLast(
                        "flush",
                        new FlushConsolidationHandler(
                            Http2Codecs.EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                    .addLast("handshake", new ClientHandshakeHandler(ready));
              }
            })
        .connect(ep.host(), ep.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    ready.tryFailure(f.cause());
                  }
                });
    ready.addListener(
        (Future<TunnelConnection> f) -> {
          if (f.isSuccess()) {
            preferred = index;
            log.debug("connected to peer {} at {}", peer, ep);
            Channel ch = f.getNow().channel();
            open.add(ch);
            ch.closeFuture().addListener(c -> open.remove(ch));
            if (closed) {
              f.getNow().channel().close();
              result.tryFailure(new IOException("peer client for " + peer + " is closed"));
            } else {
              result.trySuccess(f.getNow());
            }
          } else {
            if (errors.length() > 0) {
              errors.append("; ");
            }
            errors.append(ep).append(": ").append(Failures.describe(f.cause()));
            connect(loop, eps, attempt + 1, start, result, errors);
          }
        });
  }

  /** Closes every connection to the peer (its tunnels end); new requests connect again. */
  public void dropConnections() {
    for (Channel ch : open) {
      ch.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    dropConnections();
    connections.clear();
  }

  /** Verifies the server's identity and ALPN after the handshake, then installs HTTP/2. */
  private final class ClientHandshakeHandler extends ChannelInboundHandlerAdapter {
    private final Promise<TunnelConnection> ready;

    ClientHandshakeHandler(Promise<TunnelConnection> ready) {
      this.ready = ready;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (!(evt instanceof SslHandshakeCompletionEvent done)) {
        super.userEventTriggered(ctx, evt);
        return;
      }
      if (!done.isSuccess()) {
        ready.tryFailure(
            new IOException("TLS handshake failed: " + Failures.describe(done.cause())));
        ctx.close();
        return;
      }
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      try {
        PeerIdentity.verify(ssl.engine().getSession(), peer);
      } catch (PkiException e) {
        ready.tryFailure(new IOException(e.getMessage()));
        ctx.close();
        return;
      }
      if (!TunnelProtocol.ALPN.equals(ssl.applicationProtocol())) {
        ready.tryFailure(
            new IOException("ALPN '" + ssl.applicationProtocol() + "' (expected: h2)"));
        ctx.close();
        return;
      }
      TunnelConnection h2 = Http2Codecs.client();
      ctx.pipeline().addAfter(ctx.name(), "h2", h2);
      ctx.pipeline().addAfter("h2", "errors", ConnectionErrorHandler.INSTANCE);
      ctx.pipeline().remove(this);
      ready.trySuccess(h2);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ready.tryFailure(new IOException("connection closed during the TLS handshake"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ready.tryFailure(cause);
      ctx.close();
    }
  }
}
