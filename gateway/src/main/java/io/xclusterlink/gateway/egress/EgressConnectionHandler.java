package io.xclusterlink.gateway.egress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.Future;
import io.xclusterlink.api.Import;
import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.metrics.GatewayMetrics.Side;
import io.xclusterlink.gateway.peer.PeerClient;
import io.xclusterlink.gateway.relay.RelayHandler;
import io.xclusterlink.gateway.transport.Channels;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import io.xclusterlink.gateway.tunnel.TunnelRefusedException;
import io.xclusterlink.gateway.tunnel.TunnelStream;
import io.xclusterlink.policy.Decision;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one client connection of an import: orders the sources, and for each in turn checks the
 * egress policies and asks the source's peer for a tunnel; the first that answers 200 gets the
 * connection. A denied or failed source falls through to the next; when none is left the client
 * connection is reset. The client's bytes stay in the kernel (auto-read off) until the relay runs,
 * except that epoll reads a connection whose FIN came in: those bytes and the FIN are held here and
 * handed to the stream when the relay starts.
 */
final class EgressConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(EgressConnectionHandler.class);

  private final ImportListener listener;

  /** When the client connected: a tunnel's setup time counts from here. */
  private long acceptedAt;

  /** Bytes read before the relay runs (see the class comment). */
  private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);

  private boolean inputEnded;

  EgressConnectionHandler(ImportListener listener) {
    this.listener = listener;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    acceptedAt = System.nanoTime();
    Import imp = listener.current();
    EgressContext c = listener.context();
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    Map<String, String> client =
        c.workloads().attributesFor(remote == null ? null : remote.getAddress());
    List<Import.Source> order =
        listener.balancer().order(imp.spec(), c.reachable(), System.nanoTime());
    attempt(ctx, imp, client, order, 0, new StringBuilder());
    ctx.fireChannelActive();
  }

  private void attempt(
      ChannelHandlerContext ctx,
      Import imp,
      Map<String, String> client,
      List<Import.Source> order,
      int i,
      StringBuilder why) {
    Channel clientCh = ctx.channel();
    EgressContext c = listener.context();
    String importName = imp.metadata().namespace() + "/" + imp.metadata().name();
    if (!clientCh.isActive()) {
      return;
    }
    if (i >= order.size()) {
      meters(c, imp, "").refused(order.isEmpty() ? "no-source" : "all-sources-failed");
      log.debug(
          "import {}: connection from {} reset: {}",
          importName,
          clientCh.remoteAddress(),
          order.isEmpty() ? "no sources" : why);
      Channels.reset(clientCh);
      return;
    }
    Import.Source source = order.get(i);
    String exportNs = Authorizer.exportNamespace(imp, source);
    String target = source.peer() + ":" + exportNs + "/" + source.exportName();
    Decision d = c.authorizer().egress(imp, source, client);
    if (d instanceof Decision.Deny deny) {
      meters(c, imp, source.peer()).refused("denied");
      note(why, target, deny.reason() + " (at " + c.authorizer().self() + ")");
      attempt(ctx, imp, client, order, i + 1, why);
      return;
    }
    PeerClient peer = c.peers().apply(source.peer());
    if (peer == null) {
      meters(c, imp, source.peer()).refused("unknown-peer");
      note(why, target, "no Peer object named " + source.peer());
      attempt(ctx, imp, client, order, i + 1, why);
      return;
    }
    Future<TunnelStream> f =
        peer.openTunnel(
            clientCh.eventLoop(), new TunnelRequest(source.exportName(), exportNs, client));
    f.addListener(
        (Future<TunnelStream> done) -> {
          if (done.isSuccess()) {
            TunnelStream stream = done.getNow();
            if (!clientCh.isActive()) {
              stream.cancel();
              return;
            }
            listener.balancer().succeeded(source);
            GatewayMetrics.TunnelMeters m = meters(c, imp, source.peer());
            m.opened(System.nanoTime() - acceptedAt);
            log.debug(
                "import {}: connection from {} tunneled to {}",
                importName,
                clientCh.remoteAddress(),
                target);
            clientCh
                .closeFuture()
                .addListener(
                    x -> {
                      // logged before it stops counting as active, so "none active" means logged
                      log.debug(
                          "import {}: connection from {} to {} closed",
                          importName,
                          clientCh.remoteAddress(),
                          target);
                      m.closed();
                    });
            stream.attach(clientCh, m.fromPeer);
            ctx.pipeline().replace(this, "relay", new RelayHandler(stream, m.toPeer));
            for (ByteBuf b; (b = early.poll()) != null; ) {
              m.toPeer.accept(b.readableBytes());
              stream.send(b);
            }
            stream.flush();
            if (inputEnded) {
              stream.end();
            }
          } else {
            Throwable cause = done.cause();
            String label =
                cause instanceof TunnelRefusedException r
                    ? r.refusal().label()
                    : "peer-unavailable";
            meters(c, imp, source.peer()).refused(label);
            listener.balancer().failed(source, System.nanoTime());
            note(why, target, cause.getMessage());
            clientCh.eventLoop().execute(() -> attempt(ctx, imp, client, order, i + 1, why));
          }
        });
  }

  private static GatewayMetrics.TunnelMeters meters(EgressContext c, Import imp, String peer) {
    return c.metrics()
        .tunnels(Side.EGRESS, peer, imp.metadata().namespace(), imp.metadata().name());
  }

  private static void note(StringBuilder why, String target, String reason) {
    if (why.length() > 0) {
      why.append("; ");
    }
    why.append(target).append(": ").append(reason);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    early.add((ByteBuf) msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputEnded = true;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (ByteBuf b; (b = early.poll()) != null; ) {
      b.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "import {}: client {} failed: {}",
        listener.current().metadata().name(),
        ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }
}
