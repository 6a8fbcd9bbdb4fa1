package io.xclusterlink.gateway;

import static io.xclusterlink.gateway.TestFabric.access;
import static io.xclusterlink.gateway.TestFabric.imp;
import static io.xclusterlink.gateway.TestFabric.src;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.xclusterlink.gateway.config.GatewayLimits;
import io.xclusterlink.gateway.tunnel.Http2Codecs;
import io.xclusterlink.gateway.tunnel.TunnelConnection;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import io.xclusterlink.pki.PeerCredentials;
import io.xclusterlink.pki.TlsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stranger or a misbehaving peer can cost a gateway port: connections that never start TLS
 * are capped (in all and per source address) and closed at the handshake deadline while tunnels
 * keep flowing, and a peer that resets tunnel requests by the thousand loses its connection.
 */
class GatewayPortLimitsIT {
  private static final int TOTAL = 200;
  private static final int PER_SOURCE = 50;

  @TempDir Path dir;
  TestFabric f;
  int importPort;

  @BeforeEach
  void setUp() throws Exception {
    f = new TestFabric(dir, "p0", "p1");
    f.restart(
        "p0",
        c ->
            c.withLimits(
                GatewayLimits.defaults()
                    .withPreAuth(TOTAL, PER_SOURCE, Duration.ofSeconds(3))
                    .withStreams(1024, 100, Duration.ofSeconds(10))));
    f.connectAll();
    f.put("p0", f.export("p0", "echo"));
    f.allowAll();
    f.put("p1", imp("echo", null, src("p0", "echo")));
    importPort = f.targetPort("p1", "echo");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(access(importPort).toString()).isEqualTo("hello from p0"));
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void idleConnectionsThatNeverStartTlsAreCappedAndTimedOutWhileTunnelsFlow() throws Exception {
    int port = f.gw("p0").tunnelAddress().getPort();
    // 2 000 idle connections from ten source addresses: both caps are hit
    try (Flood flood = new Flood()) {
      for (int s = 2; s <= 11; s++) {
        flood.open("127.0.0." + s, port, 200);
      }
      // everything above the caps is closed at once, not after the deadline
      await().atMost(Duration.ofSeconds(20)).until(() -> flood.closedByGateway() >= 2000 - TOTAL);
      assertThat(f.gw("p0").ingressServer().connectionsInHandshake()).isLessThanOrEqualTo(TOTAL);
      // established peers and their tunnels keep working meanwhile
      for (int i = 0; i < 20; i++) {
        assertThat(access(importPort).toString()).isEqualTo("hello from p0");
      }
      // the handshake deadline closes the rest
      await().atMost(Duration.ofSeconds(20)).until(() -> flood.closedByGateway() == 2000);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> f.gw("p0").ingressServer().connectionsInHandshake() == 0);
    }
    String metrics = f.gw("p0").metrics().scrape();
    assertThat(metrics)
        .containsPattern("xcl_gateway_preauth_refused_total\\{reason=\"total\"} [1-9]")
        .containsPattern("xcl_gateway_preauth_refused_total\\{reason=\"per_source\"} [1-9]")
        .containsPattern("xcl_gateway_preauth_refused_total\\{reason=\"handshake_timeout\"} [1-9]");
  }

  @Test
  void aFloodFromOneAddressDoesNotKeepOtherPeersOut() throws Exception {
    int port = f.gw("p0").tunnelAddress().getPort();
    try (Flood flood = new Flood()) {
      flood.open("127.0.0.2", port, 500);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> flood.closedByGateway() >= 500 - PER_SOURCE);
      // p1 (from 127.0.0.1) has to handshake again, during the flood
      long opened = (long) f.gw("p0").metrics().summary().get("ingressTunnelsOpened");
      f.gw("p1").controlPlane().dropPeerConnections();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(access(importPort).toString()).isEqualTo("hello from p0"));
      assertThat((long) f.gw("p0").metrics().summary().get("ingressTunnelsOpened"))
          .isGreaterThan(opened);
    }
  }

  @Test
  void aPeerThatResetsTunnelRequestsByTheThousandLosesItsConnection() throws Exception {
    TlsContexts tls =
        TlsContexts.load(PeerCredentials.inDir(dir.resolve(f.fabric).resolve("p1")), true);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      InetSocketAddress p0 = f.gw("p0").tunnelAddress();
      TunnelConnection h2 = Http2Codecs.client();
      Channel ch =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                      c.pipeline()
                          .addLast(tls.client().newHandler(c.alloc(), "p0", p0.getPort()))
                          .addLast(
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(
                                    ChannelHandlerContext ctx, Object evt) {
                                  if (evt instanceof SslHandshakeCompletionEvent done
                                      && done.isSuccess()) {
                                    ctx.pipeline().replace(this, "h2", h2);
                                  }
                                  ctx.fireUserEventTriggered(evt);
                                }
                              });
                    }
                  })
              .connect(p0)
              .sync()
              .channel();
      await().atMost(Duration.ofSeconds(10)).until(() -> ch.pipeline().context(h2) != null);
      ChannelHandlerContext ctx = ch.pipeline().context(h2);
      AtomicInteger sent = new AtomicInteger();
      // bounded: at most 5 000 request+reset pairs, 100 per event-loop turn, stopping at the close
      for (int batch = 0; batch < 50 && ch.isActive(); batch++) {
        ch.eventLoop()
            .submit(
                () -> {
                  for (int i = 0; i < 100 && ch.isActive(); i++) {
                    int id = h2.connection().local().incrementAndGetNextStreamId();
                    h2.encoder()
                        .writeHeaders(
                            ctx,
                            id,
                            TunnelProtocol.tunnelRequest(
                                "p0", new TunnelRequest("echo", "default", Map.of())),
                            0,
                            false,
                            ctx.newPromise());
                    h2.encoder()
                        .writeRstStream(ctx, id, Http2Error.CANCEL.code(), ctx.newPromise());
                    sent.incrementAndGet();
                  }
                  ctx.flush();
                })
            .sync();
      }
      assertThat(ch.closeFuture().await(10, TimeUnit.SECONDS))
          .as(
              "connection closed by p0 after %d pairs; p0's counters %s",
              sent.get(), f.gw("p0").metrics().summary())
          .isTrue();
      // (the GOAWAY itself may be lost: p0 closes with our unread frames in its buffer, which
      // resets)
      assertThat(f.gw("p0").metrics().scrape())
          .containsPattern("xcl_peer_connections_closed_total\\{reason=\"rapid-reset\"} 1");
      // p1's own connection is another one: its tunnels are not affected
      assertThat(access(importPort).toString()).isEqualTo("hello from p0");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      tls.close();
    }
  }

  /** Idle TCP connections that never send a byte, and how many the gateway closed. */
  private static final class Flood implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final List<SocketChannel> open = new ArrayList<>();
    private final ByteBuffer scratch = ByteBuffer.allocate(256);
    private int closed;

    Flood() throws IOException {}

    void open(String from, int port, int n) throws IOException {
      for (int i = 0; i < n; i++) {
        SocketChannel c = SocketChannel.open();
        c.bind(new InetSocketAddress(from, 0));
        c.connect(new InetSocketAddress("127.0.0.1", port));
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ);
        open.add(c);
      }
    }

    /** Connections that saw the gateway's FIN or RST so far. */
    synchronized int closedByGateway() throws IOException {
      selector.selectNow();
      for (SelectionKey k : selector.selectedKeys()) {
        SocketChannel c = (SocketChannel) k.channel();
        int n;
        try {
          scratch.clear();
          n = c.read(scratch);
        } catch (IOException reset) {
          n = -1;
        }
        if (n < 0) {
          k.cancel();
          c.close();
          closed++;
        }
      }
      selector.selectedKeys().clear();
      return closed;
    }

    @Override
    public void close() throws IOException {
      for (SocketChannel c : open) {
        c.close();
      }
      selector.close();
    }
  }
}
