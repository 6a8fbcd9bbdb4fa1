package io.xclusterlink.gateway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway-to-gateway HTTP/2 connection and the tunnels on it, without a channel per stream:
 * DATA frames go straight from the frame decoder to the TCP leg of their tunnel, and a leg's reads
 * go straight to the encoder. Every stream's state is a {@link TunnelStream} kept as a property of
 * Netty's {@link Http2Stream}. The wire protocol is plain HTTP/2 (docs/protocol.md), so this is a
 * cheaper way of speaking it, not a different protocol.
 *
 * <p>Flow control is HTTP/2's: received bytes are returned to the window once the TCP leg took them
 * (at once while the leg is writable, otherwise when it drains), and a leg stops reading while its
 * stream cannot send (window used up, or the connection's socket buffer full).
 *
 * <p>All methods run on the connection's event loop; so do the TCP legs of its tunnels.
 */
public final class TunnelConnection extends Http2ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger(TunnelConnection.class);

  /** What the accepting side does with a stream the peer opened. */
  public interface Acceptor {
    /** Called once per new stream with its request headers; must answer or reset the stream. */
    void accept(TunnelStream stream, Http2Headers request, boolean endStream);
  }

  /** A stream whose request was answered 200, with the answer's headers. */
  public record Answered(TunnelStream stream, Http2Headers answer) {}

  private final Http2Connection.PropertyKey key;
  private final Acceptor acceptor;
  private final List<TunnelStream> legsToFlush = new ArrayList<>();
  private ChannelHandlerContext ctx;

  /** Stream ids from which on this connection takes no new streams (see {@link #retiring}). */
  private int lastStreamId = Http2Codecs.LAST_STREAM_ID;

  /**
   * Set once the ids are (nearly) used up: no new streams, and the connection closes when its last
   * stream has, so that no tunnel is cut and the next request goes to a new connection.
   */
  private boolean retiring;

  private long halfCloseTimeoutNanos =
      TimeUnit.MILLISECONDS.toNanos(TunnelStream.HALF_CLOSE_TIMEOUT_MILLIS);

  TunnelConnection(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings settings,
      Acceptor acceptor) {
    super(decoder, encoder, settings);
    this.acceptor = acceptor;
    this.key = connection().newKey();
    decoder.frameListener(new Frames());
    encoder
        .flowController()
        .listener(
            s -> {
              TunnelStream t = s.getProperty(key);
              if (t != null) {
                t.sendWritabilityChanged();
              }
            });
    connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onStreamClosed(Http2Stream s) {
                TunnelStream t = s.removeProperty(key);
                if (t != null) {
                  t.closed();
                }
                if (retiring && connection().numActiveStreams() == 0) {
                  ctx.executor().execute(() -> ctx.channel().close());
                }
              }
            });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
    // the preface is out; grant the whole connection window at once
    connection()
        .local()
        .flowController()
        .incrementWindowSize(
            connection().connectionStream(),
            Http2Codecs.CONNECTION_WINDOW
                - connection().local().flowController().initialWindowSize());
    ctx.flush();
  }

  /** The connection's channel. */
  public Channel channel() {
    return ctx.channel();
  }

  /**
   * True while new streams can be opened: active, and the peer has not announced it is going away.
   */
  public boolean usable() {
    return ctx != null
        && ctx.channel().isActive()
        && !retiring
        && !connection().goAwayReceived()
        && !connection().goAwaySent();
  }

  /**
   * Tells the peer this connection is going away with {@code error} (GOAWAY with the last stream it
   * opened) and closes it once that is flushed: every tunnel on it ends.
   */
  public void goAwayAndClose(Http2Error error, String reason) {
    goAway(
            ctx,
            connection().remote().lastStreamCreated(),
            error.code(),
            io.netty.buffer.ByteBufUtil.writeUtf8(ctx.alloc(), reason),
            ctx.newPromise())
        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    flush(ctx);
  }

  /**
   * Lowers the stream id from which on the connection retires (tests; the default is 2^31 - 2^21).
   */
  void retireAfterStreamId(int id) {
    lastStreamId = id;
  }

  /**
   * Sets how long a half-closed tunnel lives without a byte (tests; the default is {@link
   * TunnelStream#HALF_CLOSE_TIMEOUT_MILLIS}).
   */
  void halfCloseTimeout(long millis) {
    halfCloseTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /**
   * Opens a stream with {@code request}. The future completes on a 200 answer; any other status
   * fails it with a {@link TunnelRefusedException}, as do no answer within {@code timeoutMillis}
   * and the stream or connection closing first.
   */
  public Future<Answered> open(Http2Headers request, boolean endStream, long timeoutMillis) {
    Promise<Answered> answered = ctx.executor().newPromise();
    if (!usable()) {
      return answered.setFailure(new IOException("gateway connection is closing"));
    }
    int id = connection().local().incrementAndGetNextStreamId();
    if (id >= lastStreamId) {
      // about 2^30 streams used: this is the last one; the next request dials a new connection
      retiring = true;
    }
    Throwable failed =
        encoder().writeHeaders(ctx, id, request, 0, endStream, ctx.newPromise()).cause();
    Http2Stream s = connection().stream(id);
    if (s == null) {
      return answered.setFailure(
          new IOException(
              "stream not opened: " + (failed == null ? "refused" : failed.getMessage())));
    }
    TunnelStream t = track(s, answered);
    t.answerTimeout(
        ctx.executor()
            .schedule(
                () -> {
                  if (answered.tryFailure(
                      new IOException("no answer within " + timeoutMillis + " ms"))) {
                    t.cancel();
                  }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS));
    flush(ctx);
    return answered;
  }

  // --- used by TunnelStream -------------------------------------------------------------------

  void writeHeaders(Http2Stream s, Http2Headers headers, boolean endStream) {
    encoder().writeHeaders(ctx, s.id(), headers, 0, endStream, ctx.newPromise());
    flush(ctx);
  }

  void writeData(Http2Stream s, ByteBuf data, boolean endStream) {
    encoder().writeData(ctx, s.id(), data, 0, endStream, ctx.newPromise());
  }

  boolean canSend(Http2Stream s) {
    return encoder().flowController().isWritable(s);
  }

  void reset(Http2Stream s, Http2Error error) {
    resetStream(ctx, s.id(), error.code(), ctx.newPromise());
    flush(ctx);
  }

  /** Returns {@code n} received bytes of {@code s} to the windows. */
  void consume(Http2Stream s, int n) {
    try {
      if (connection().local().flowController().consumeBytes(s, n)) {
        flush(ctx);
      }
    } catch (Http2Exception e) {
      onError(ctx, false, e);
    }
  }

  long halfCloseTimeoutNanos() {
    return halfCloseTimeoutNanos;
  }

  void flushConnection() {
    flush(ctx);
  }

  void flushLegAfterRead(TunnelStream t) {
    legsToFlush.add(t);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    // one flush per TCP leg per read burst of the connection
    for (int i = 0; i < legsToFlush.size(); i++) {
      legsToFlush.get(i).flushLeg();
    }
    legsToFlush.clear();
    super.channelReadComplete(ctx);
  }

  private TunnelStream tunnel(int streamId) {
    Http2Stream s = connection().stream(streamId);
    return s == null ? null : s.getProperty(key);
  }

  /** The state of a new stream, kept as a property of Netty's stream until it closes. */
  private TunnelStream track(Http2Stream s, Promise<Answered> answer) {
    TunnelStream t = new TunnelStream(this, s, answer);
    s.setProperty(key, t);
    return t;
  }

  private final class Frames extends Http2FrameAdapter {
    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endOfStream) {
      Http2Stream s = connection().stream(streamId);
      if (s == null) {
        return;
      }
      TunnelStream t = s.getProperty(key);
      if (t != null) {
        t.headersRead(headers, endOfStream);
        return;
      }
      if (acceptor == null) {
        // only the dialing side opens streams
        resetStream(ctx, streamId, Http2Error.REFUSED_STREAM.code(), ctx.newPromise());
        return;
      }
      t = track(s, null);
      try {
        acceptor.accept(t, headers, endOfStream);
        if (endOfStream && t.isOpen()) {
          // a request whose client was done at once: its direction has ended already
          t.headersRead(headers, true);
        }
      } catch (RuntimeException e) {
        // a bug in handling one request must not take down the connection and its other tunnels
        log.warn("request on {} failed: {}", t, e.toString(), e);
        t.cancel();
      }
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      TunnelStream t = tunnel(streamId);
      if (t == null) {
        return data.readableBytes() + padding;
      }
      return t.dataRead(data, endOfStream) + padding;
    }
  }
}
