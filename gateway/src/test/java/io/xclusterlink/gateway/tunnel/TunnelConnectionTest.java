package io.xclusterlink.gateway.tunnel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.xclusterlink.gateway.relay.RelayHandler;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.Refusal;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two {@link TunnelConnection}s wired back to back through embedded channels (no TLS, no sockets):
 * the stream protocol, the relay to and from TCP legs, END_STREAM (half-close) and reset, and flow
 * control.
 */
class TunnelConnectionTest {
  private final EmbeddedChannel dialer = new EmbeddedChannel(Http2Codecs.client());

  /** The backend leg the accepting side attaches to each accepted tunnel. */
  private final Leg backend = new Leg();

  private final AtomicLong toBackend = new AtomicLong();
  private final AtomicLong fromBackend = new AtomicLong();
  private final EmbeddedChannel acceptor = new EmbeddedChannel(Http2Codecs.server(this::accept));
  private TunnelStream accepted;

  private void accept(TunnelStream stream, Http2Headers h, boolean endStream) {
    TunnelRequest req = TunnelProtocol.parseTunnelRequest(h);
    if (req.exportName().equals("boom")) {
      throw new IllegalStateException("bug in the acceptor");
    }
    if (req.exportName().equals("refused")) {
      stream.refuse(TunnelProtocol.refused(Refusal.DENIED, "denied by AccessPolicy default/no"));
      return;
    }
    accepted = stream;
    stream.answer(TunnelProtocol.accepted(), false);
    stream.attach(backend, toBackend::addAndGet);
    backend.pipeline().addLast(new RelayHandler(stream, fromBackend::addAndGet));
  }

  private TunnelConnection client() {
    return dialer.pipeline().get(TunnelConnection.class);
  }

  /** Moves bytes both ways until neither side has anything more to say. */
  private void pump() {
    boolean moved;
    do {
      moved = move(dialer, acceptor) | move(acceptor, dialer);
      dialer.runPendingTasks();
      acceptor.runPendingTasks();
      backend.runPendingTasks();
    } while (moved);
  }

  private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
    boolean any = false;
    for (Object m; (m = from.readOutbound()) != null; ) {
      if (to.isOpen()) {
        to.writeInbound(m);
        any = true;
      } else {
        ReferenceCountUtil.release(m); // like bytes sent to a socket the peer has closed
      }
    }
    return any;
  }

  /**
   * Sends a tunnel request for {@code export} on the dialing side (nothing moves until {@link
   * #pump}).
   */
  private Future<TunnelConnection.Answered> request(String export) {
    return client()
        .open(
            TunnelProtocol.tunnelRequest("p0", new TunnelRequest(export, "default", Map.of())),
            false,
            5_000);
  }

  /** Opens a tunnel to {@code export} and returns its stream once the answer is in. */
  private TunnelStream open(String export) {
    pump();
    Future<TunnelConnection.Answered> f = request(export);
    pump();
    assertThat(f.isDone()).isTrue();
    return f.isSuccess() ? f.getNow().stream() : failed(f.cause());
  }

  /** The client's TCP leg of {@code stream}, relayed both ways. */
  private static Leg clientLeg(TunnelStream stream, AtomicLong toClient) {
    Leg client = new Leg();
    stream.attach(client, toClient::addAndGet);
    client.pipeline().addLast(new RelayHandler(stream, n -> {}));
    return client;
  }

  private static TunnelStream failed(Throwable cause) {
    throw new AssertionError(cause);
  }

  private static String readAll(EmbeddedChannel ch) {
    StringBuilder s = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      s.append(b.toString(UTF_8));
      b.release();
    }
    return s.toString();
  }

  @Test
  void bytesFlowBothWaysAndClosingOneLegClosesTheOther() {
    TunnelStream stream = open("echo");
    AtomicLong toClient = new AtomicLong();
    EmbeddedChannel client = clientLeg(stream, toClient);

    client.writeInbound(Unpooled.copiedBuffer("ping", UTF_8));
    pump();
    assertThat(readAll(backend)).isEqualTo("ping");
    assertThat(toBackend).hasValue(4);

    backend.writeInbound(Unpooled.copiedBuffer("pong", UTF_8));
    pump();
    assertThat(readAll(client)).isEqualTo("pong");
    assertThat(fromBackend).hasValue(4);
    assertThat(toClient).hasValue(4);

    // the client goes away: END_STREAM, then the backend leg is closed after its last bytes
    client.close();
    pump();
    assertThat(backend.isOpen()).isFalse();
    assertThat(accepted.isOpen()).isFalse();
    assertThat(stream.isOpen()).isFalse();
  }

  @Test
  void dataThatArrivesBeforeTheLegIsAttachedIsHeldInOrder() {
    TunnelStream stream = open("echo");
    backend.writeInbound(
        Unpooled.copiedBuffer("early ", UTF_8), Unpooled.copiedBuffer("bird", UTF_8));
    backend.finFromOtherEnd();
    pump();
    Leg client = new Leg();
    stream.attach(client, n -> {});
    client.runPendingTasks();
    assertThat(readAll(client)).isEqualTo("early bird");
    assertThat(client.isOutputShutdown()).as("END_STREAM arrived before the leg did").isTrue();
    assertThat(client.isOpen()).isTrue();
  }

  @Test
  void aClientFinShutsDownOnlyTheBackendsOutputAndTheAnswerStillFlows() {
    TunnelStream stream = open("echo");
    Leg client = clientLeg(stream, new AtomicLong());
    client.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.0\r\n\r\n", UTF_8));
    client.finFromOtherEnd();
    pump();
    assertThat(readAll(backend)).isEqualTo("GET / HTTP/1.0\r\n\r\n");
    assertThat(backend.isOutputShutdown()).as("the request is done").isTrue();
    assertThat(backend.isOpen()).isTrue();
    assertThat(accepted.isOpen()).isTrue();

    backend.writeInbound(Unpooled.copiedBuffer("HTTP/1.0 200 OK", UTF_8));
    pump();
    assertThat(readAll(client)).isEqualTo("HTTP/1.0 200 OK");
    assertThat(client.isOutputShutdown()).isFalse();
    assertThat(client.isOpen()).isTrue();

    backend.finFromOtherEnd();
    pump();
    assertThat(client.isOpen()).as("both directions done").isFalse();
    assertThat(backend.isOpen()).isFalse();
    assertThat(stream.isOpen()).isFalse();
    assertThat(accepted.isOpen()).isFalse();
  }

  @Test
  void aRequestThatEndsItsStreamAtOnceShutsDownTheBackendsOutput() {
    pump();
    Future<TunnelConnection.Answered> f =
        client()
            .open(
                TunnelProtocol.tunnelRequest("p0", new TunnelRequest("echo", "default", Map.of())),
                true,
                5_000);
    pump();
    assertThat(f.isSuccess()).isTrue();
    assertThat(backend.isOutputShutdown()).as("the client had nothing to say").isTrue();
    backend.writeInbound(Unpooled.copiedBuffer("unprompted", UTF_8));
    backend.finFromOtherEnd();
    pump();
    assertThat(f.getNow().stream().isOpen()).as("both directions done").isFalse();
    assertThat(backend.isOpen()).isFalse();
  }

  @Test
  void aBackendFinShutsDownOnlyTheClientsOutputAndTheClientStillSends() {
    TunnelStream stream = open("echo");
    Leg client = clientLeg(stream, new AtomicLong());
    backend.writeInbound(Unpooled.copiedBuffer("hello, then goodbye", UTF_8));
    backend.finFromOtherEnd();
    pump();
    assertThat(readAll(client)).isEqualTo("hello, then goodbye");
    assertThat(client.isOutputShutdown()).isTrue();
    assertThat(client.isOpen()).isTrue();
    assertThat(backend.isOutputShutdown()).isFalse();

    client.writeInbound(Unpooled.copiedBuffer("still ", UTF_8));
    pump();
    client.writeInbound(Unpooled.copiedBuffer("talking", UTF_8));
    pump();
    assertThat(readAll(backend)).isEqualTo("still talking");
    assertThat(backend.isOpen()).isTrue();

    client.finFromOtherEnd();
    pump();
    assertThat(backend.isOpen()).as("both directions done").isFalse();
    assertThat(client.isOpen()).isFalse();
    assertThat(stream.isOpen()).isFalse();
    assertThat(accepted.isOpen()).isFalse();
  }

  @Test
  void aLegThatClosesAfterHalfClosingResetsTheTunnelAtOnce() {
    TunnelStream stream = open("echo");
    Leg client = clientLeg(stream, new AtomicLong());
    client.finFromOtherEnd();
    pump();
    assertThat(backend.isOutputShutdown()).isTrue();
    // the client leg fails while the backend may still answer: nobody could take the answer
    client.close();
    pump();
    assertThat(backend.isOpen()).isFalse();
    assertThat(accepted.isOpen()).isFalse();
  }

  @Test
  void aHalfClosedTunnelWhoseOpenDirectionGoesQuietIsClosedAfterTheTimeout() {
    pump();
    client().halfCloseTimeout(1_000);
    acceptor.pipeline().get(TunnelConnection.class).halfCloseTimeout(1_000);
    TunnelStream stream = open("echo");
    Leg client = clientLeg(stream, new AtomicLong());
    client.finFromOtherEnd();
    pump();
    assertThat(backend.isOutputShutdown()).isTrue();

    elapse(600);
    backend.writeInbound(Unpooled.copiedBuffer("slow answer", UTF_8));
    pump();
    assertThat(readAll(client)).isEqualTo("slow answer");
    elapse(600);
    assertThat(stream.isOpen()).as("a byte 600 ms ago pushed the deadline on").isTrue();
    assertThat(backend.isOpen()).isTrue();

    elapse(500);
    assertThat(client.isOpen()).isFalse();
    assertThat(backend.isOpen()).isFalse();
    assertThat(stream.isOpen()).isFalse();
    assertThat(accepted.isOpen()).isFalse();
  }

  /** Moves both gateways' clocks on and runs what fell due, then lets the frames through. */
  private void elapse(long millis) {
    for (EmbeddedChannel ch : new EmbeddedChannel[] {dialer, acceptor}) {
      ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
    }
    pump();
  }

  @Test
  void aRefusalCarriesItsStatusAndReasonAndClosesTheStream() {
    pump();
    Future<TunnelConnection.Answered> f = request("refused");
    pump();
    assertThat(f.cause())
        .isInstanceOf(TunnelRefusedException.class)
        .hasMessage("denied by AccessPolicy default/no");
    assertThat(((TunnelRefusedException) f.cause()).refusal()).isEqualTo(Refusal.DENIED);
    assertThat(client().connection().numActiveStreams()).isZero();
    assertThat(acceptor.pipeline().get(TunnelConnection.class).connection().numActiveStreams())
        .isZero();
  }

  @Test
  void anAcceptorThatThrowsCostsOnlyItsOwnStream() {
    pump();
    Future<TunnelConnection.Answered> f = request("boom");
    pump();
    assertThat(f.cause()).hasMessage("stream closed before an answer");
    assertThat(client().usable()).isTrue();
    assertThat(open("echo").isOpen()).isTrue();
  }

  @Test
  void aPeerGoingAwayGetsNoNewStreamsButItsTunnelsFinish() {
    TunnelStream stream = open("echo");
    EmbeddedChannel client = clientLeg(stream, new AtomicLong());
    acceptor.close(); // graceful: GOAWAY, then wait for the open stream
    pump();
    assertThat(client().usable()).isFalse();
    Future<TunnelConnection.Answered> next = request("echo");
    assertThat(next.cause()).hasMessage("gateway connection is closing");

    client.writeInbound(Unpooled.copiedBuffer("still here", UTF_8));
    pump();
    assertThat(readAll(backend)).isEqualTo("still here");
    client.close();
    pump();
    assertThat(backend.isOpen()).isFalse();
    assertThat(acceptor.isOpen()).as("closed once its last stream ended").isFalse();
  }

  @Test
  void aConnectionWhoseStreamIdsAreUsedUpTakesNoNewStreamsAndClosesAfterItsLastTunnel() {
    pump();
    client().retireAfterStreamId(3);
    TunnelStream stream = open("echo");
    EmbeddedChannel client = clientLeg(stream, new AtomicLong());
    assertThat(client().usable()).isFalse();
    assertThat(request("echo").cause()).hasMessage("gateway connection is closing");

    client.writeInbound(Unpooled.copiedBuffer("last one", UTF_8));
    pump();
    assertThat(readAll(backend)).isEqualTo("last one");
    assertThat(dialer.isOpen()).isTrue();
    client.close();
    pump();
    assertThat(dialer.isOpen()).as("closed once its last tunnel ended").isFalse();
  }

  @Test
  void bytesForALegThatIsGoneGiveTheirWindowBackAndStopThePeer() {
    // a backend that writes without reading: the accepting side cannot finish closing its leg
    Stall backendNotReading = new Stall();
    backend.pipeline().addFirst(backendNotReading);
    TunnelStream stream = open("echo");
    EmbeddedChannel client = clientLeg(stream, new AtomicLong());
    Stall stall = new Stall();
    client.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024));
    client.pipeline().addFirst(stall);
    byte[] chunk = new byte[64 * 1024];
    for (int i = 0; i < 4; i++) {
      backend.writeInbound(Unpooled.wrappedBuffer(chunk));
      pump();
    }
    assertThat(unconsumedOnDialer()).as("held back while the client leg is full").isPositive();

    client.close(); // the client hangs up with bytes still queued for it
    pump();
    assertThat(unconsumedOnDialer()).isZero();
    assertThat(backend.isOpen()).as("the reset arrived, but the backend is not reading").isTrue();
    backend.writeInbound(Unpooled.wrappedBuffer(chunk)); // and it still sends
    pump();
    assertThat(unconsumedOnDialer()).isZero();
    assertThat(accepted.isOpen()).as("the dialing side reset the tunnel").isFalse();
    backendNotReading.release();
    pump();
    assertThat(backend.isOpen()).isFalse();
  }

  private int unconsumedOnDialer() {
    Http2Connection c = client().connection();
    return c.local().flowController().unconsumedBytes(c.connectionStream());
  }

  @Test
  void aResetStreamClosesBothLegs() {
    TunnelStream stream = open("echo");
    EmbeddedChannel client = clientLeg(stream, new AtomicLong());
    accepted.cancel();
    pump();
    assertThat(backend.isOpen()).isFalse();
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void losingTheConnectionClosesEveryLeg() {
    TunnelStream stream = open("echo");
    EmbeddedChannel client = clientLeg(stream, new AtomicLong());
    // the sockets die under both gateways (no GOAWAY, no END_STREAM)
    dialer.unsafe().close(dialer.unsafe().voidPromise());
    acceptor.unsafe().close(acceptor.unsafe().voidPromise());
    dialer.runPendingTasks();
    acceptor.runPendingTasks();
    assertThat(client.isOpen()).isFalse();
    assertThat(backend.isOpen()).isFalse();
  }

  @Test
  void aStalledBackendStopsTheClientLegAtTheWindowAndEveryByteArrivesOnceItDrains() {
    Stall stall = new Stall();
    backend.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024));
    backend.pipeline().addFirst(stall);
    TunnelStream stream = open("echo");
    EmbeddedChannel client = clientLeg(stream, new AtomicLong());

    byte[] sent = new byte[3 * Http2Codecs.STREAM_WINDOW];
    ThreadLocalRandom.current().nextBytes(sent);
    int chunk = 64 * 1024;
    int offset = 0;
    while (offset < sent.length && client.config().isAutoRead()) {
      client.writeInbound(Unpooled.wrappedBuffer(sent, offset, chunk));
      offset += chunk;
      pump();
    }
    assertThat(client.config().isAutoRead()).as("client leg paused").isFalse();
    assertThat(offset)
        .as("bytes read from the client before it was paused")
        .isLessThanOrEqualTo(Http2Codecs.STREAM_WINDOW + stall.heldBytes() + 2 * chunk)
        .isLessThan(sent.length);

    stall.release();
    pump();
    assertThat(client.config().isAutoRead()).as("client leg reading again").isTrue();
    while (offset < sent.length) {
      client.writeInbound(Unpooled.wrappedBuffer(sent, offset, chunk));
      offset += chunk;
      pump();
    }
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    for (ByteBuf b; (b = backend.readOutbound()) != null; ) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      got.writeBytes(bytes);
      b.release();
    }
    assertThat(got.toByteArray()).isEqualTo(sent);
  }

  /**
   * A TCP leg that half-closes like a socket: {@link #finFromOtherEnd} is the other end's FIN as
   * Netty reports it with ALLOW_HALF_CLOSURE; {@link #shutdownOutput} only records the FIN we send.
   */
  private static final class Leg extends EmbeddedChannel implements DuplexChannel {
    private boolean inputShutdown;
    private boolean outputShutdown;

    void finFromOtherEnd() {
      inputShutdown = true;
      pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      runPendingTasks();
    }

    @Override
    public boolean isInputShutdown() {
      return inputShutdown;
    }

    @Override
    public ChannelFuture shutdownInput() {
      return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
      inputShutdown = true;
      return promise.setSuccess();
    }

    @Override
    public boolean isOutputShutdown() {
      return outputShutdown;
    }

    @Override
    public ChannelFuture shutdownOutput() {
      return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
      outputShutdown = true;
      return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
      return inputShutdown && outputShutdown;
    }

    @Override
    public ChannelFuture shutdown() {
      return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
      inputShutdown = true;
      outputShutdown = true;
      return promise.setSuccess();
    }
  }

  /** Holds a channel's writes (counted against its writability) until released. */
  private static final class Stall extends ChannelOutboundHandlerAdapter {
    private PendingWriteQueue queue;
    private boolean stalled = true;
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      queue = new PendingWriteQueue(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (stalled) {
        queue.add(msg, promise);
      } else {
        ctx.write(msg, promise);
      }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (!stalled) {
        ctx.flush();
      }
    }

    int heldBytes() {
      return (int) queue.bytes();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      queue.removeAndFailAll(new ClosedChannelException());
      ctx.close(promise);
    }

    void release() {
      stalled = false;
      queue.removeAndWriteAll();
      ctx.flush();
    }
  }
}
