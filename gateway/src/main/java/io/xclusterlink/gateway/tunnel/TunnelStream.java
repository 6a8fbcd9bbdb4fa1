package io.xclusterlink.gateway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.xclusterlink.gateway.transport.Channels;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream of a {@link TunnelConnection}: a request and its answer, then the stream half
 * of a tunnel whose other half is a TCP leg (the client connection on the egress side, the backend
 * connection on the ingress side). Used on the connection's event loop only.
 *
 * <p>Closing, one direction at a time (TCP half-close, docs/protocol.md): the leg's input ending
 * (FIN) ends our half with END_STREAM ({@link #end}); END_STREAM from the peer shuts down the leg's
 * output once what was written to it is flushed; when both directions are done the stream closes
 * and so does the leg. A half-closed tunnel whose open direction carries no byte for {@link
 * #HALF_CLOSE_TIMEOUT_MILLIS} is closed and reset. A reset, the connection's loss, or the leg
 * closing while the peer may still send ({@link #legClosed}) closes both sides at once.
 */
public final class TunnelStream {
  private static final Logger log = LoggerFactory.getLogger(TunnelStream.class);

  /**
   * How long a half-closed tunnel may stay while its open direction carries no byte: long enough
   * for a slow answer to a request, short enough that peers that never close cannot pile up.
   */
  static final long HALF_CLOSE_TIMEOUT_MILLIS = 60_000;

  private final TunnelConnection connection;

  /** Completed by the answer; null on the accepting side. */
  private final Promise<TunnelConnection.Answered> answer;

  private final Http2Stream stream;
  private ScheduledFuture<?> answerTimeout;
  private Channel leg;
  private LongConsumer receivedCounter;

  /**
   * DATA received before the leg was attached ({@link #remoteEnded} says whether END_STREAM came
   * too).
   */
  private ArrayDeque<ByteBuf> held;

  private boolean remoteEnded;

  /** The leg is being closed (once its pending writes are flushed); asked once only. */
  private boolean legClosing;

  private boolean localEnded;
  private boolean closed;
  private boolean flushQueued;

  /** Runs once one direction is done; closes the tunnel when the other one goes quiet. */
  private ScheduledFuture<?> halfCloseTimer;

  /** When the open direction of a half-closed tunnel last carried bytes (the executor's ticker). */
  private long lastByteNanos;

  /** Received bytes the leg has not taken yet: returned to the window when it drains. */
  private int unconsumed;

  private Runnable onClosed;

  TunnelStream(
      TunnelConnection connection, Http2Stream stream, Promise<TunnelConnection.Answered> answer) {
    this.connection = connection;
    this.stream = stream;
    this.answer = answer;
  }

  void answerTimeout(ScheduledFuture<?> timeout) {
    this.answerTimeout = timeout;
  }

  /** The connection this stream is carried on. */
  public TunnelConnection connection() {
    return connection;
  }

  public boolean isOpen() {
    return !closed;
  }

  /**
   * Runs {@code action} when the stream closes (at once if it already has). One action per stream.
   */
  public void onClosed(Runnable action) {
    if (closed) {
      action.run();
    } else {
      onClosed = action;
    }
  }

  // --- the accepting side ---------------------------------------------------------------------

  /** Answers the request; with {@code endStream} nothing else is sent on this stream. */
  public void answer(Http2Headers headers, boolean endStream) {
    if (closed) {
      return;
    }
    localEnded |= endStream;
    connection.writeHeaders(stream, headers, endStream);
  }

  /** Answers with a refusal and closes the stream. */
  public void refuse(Http2Headers headers) {
    answer(headers, true);
    cancel();
  }

  // --- both sides -----------------------------------------------------------------------------

  /** Closes the stream with RST_STREAM (CANCEL); its leg, if any, closes too. */
  public void cancel() {
    if (!closed) {
      connection.reset(stream, Http2Error.CANCEL);
    }
  }

  /**
   * Makes {@code leg} the other half of this tunnel: DATA from the peer is written to it, in order
   * after any held since the answer. The leg's own reads are passed to {@link #send}.
   *
   * @param receivedCounter receives the number of bytes passed from the peer to the leg
   */
  public void attach(Channel leg, LongConsumer receivedCounter) {
    this.leg = leg;
    this.receivedCounter = receivedCounter;
    if (closed) {
      releaseHeld();
      closeLeg();
      return;
    }
    if (held != null) {
      for (ByteBuf b; (b = held.poll()) != null; ) {
        receivedCounter.accept(b.readableBytes());
        leg.write(b, leg.voidPromise());
      }
      held = null;
      leg.flush();
      if (leg.isWritable()) {
        legWritable();
      }
    }
    if (remoteEnded) {
      endLegOutput();
    }
  }

  /** Sends bytes read from the leg; stops the leg reading while the stream cannot send more. */
  public void send(ByteBuf data) {
    if (closed || localEnded) {
      data.release();
      return;
    }
    if (halfCloseTimer != null) {
      lastByteNanos = now();
    }
    connection.writeData(stream, data, false);
    if (!connection.canSend(stream)) {
      leg.config().setAutoRead(false);
    }
  }

  /** Writes what {@link #send} queued to the connection. */
  public void flush() {
    connection.flushConnection();
  }

  /**
   * The leg's input ended (the client or backend shut down its output): ends our half of the stream
   * with END_STREAM, after what {@link #send} queued. The other direction keeps flowing.
   */
  public void end() {
    if (closed || localEnded) {
      return;
    }
    localEnded = true;
    connection.writeData(stream, Unpooled.EMPTY_BUFFER, true);
    connection.flushConnection();
    if (remoteEnded) {
      closeLeg();
    } else {
      startHalfCloseTimer();
    }
  }

  /**
   * The leg closed. If the peer may still send, nobody will take its bytes: the stream is reset,
   * which closes the peer's leg at once (an abortive close stays abortive across the tunnel).
   * Otherwise our half ends too, and the window of bytes the leg will now never take is given back.
   */
  public void legClosed() {
    if (closed) {
      return;
    }
    if (!remoteEnded) {
      cancel();
      return;
    }
    end();
    returnUnconsumed();
  }

  /** The leg can take more: returns what it took meanwhile to the peer's window. */
  public void legWritable() {
    returnUnconsumed();
  }

  private void returnUnconsumed() {
    if (unconsumed > 0 && !closed) {
      int n = unconsumed;
      unconsumed = 0;
      connection.consume(stream, n);
    }
  }

  // --- called by TunnelConnection -------------------------------------------------------------

  void headersRead(Http2Headers headers, boolean endOfStream) {
    if (answer != null && !answer.isDone()) {
      if (answerTimeout != null) {
        answerTimeout.cancel(false);
      }
      int status = TunnelProtocol.status(headers);
      if (status != 200) {
        answer.tryFailure(
            new TunnelRefusedException(
                TunnelProtocol.Refusal.fromStatus(status), TunnelProtocol.reason(headers)));
        cancel();
        return;
      }
      if (!answer.trySuccess(new TunnelConnection.Answered(this, headers))) {
        cancel();
        return;
      }
    }
    if (endOfStream) {
      remoteEnd();
    }
  }

  /** Returns how many of the {@code data} bytes may go back to the window now. */
  int dataRead(ByteBuf data, boolean endOfStream) {
    int n = data.readableBytes();
    int consumedNow = 0;
    if (halfCloseTimer != null && n > 0) {
      lastByteNanos = now();
    }
    if (leg == null) {
      if (n > 0) {
        if (held == null) {
          held = new ArrayDeque<>(2);
        }
        held.add(data.retain());
        unconsumed += n;
      }
    } else if (!leg.isActive()) {
      // the leg is gone (e.g. the client hung up while the backend still sends): nobody will take
      // these bytes; give their window back at once and tell the peer to stop
      cancel();
      return n;
    } else if (n > 0) {
      receivedCounter.accept(n);
      leg.write(data.retain(), leg.voidPromise());
      if (!flushQueued) {
        flushQueued = true;
        connection.flushLegAfterRead(this);
      }
      if (leg.isWritable()) {
        consumedNow = n;
      } else {
        unconsumed += n;
      }
    }
    if (endOfStream) {
      remoteEnd();
    }
    return consumedNow;
  }

  void flushLeg() {
    flushQueued = false;
    if (leg != null) {
      leg.flush();
    }
  }

  void sendWritabilityChanged() {
    // a leg whose input has ended is not asked to read again: nothing is left to read
    if (leg != null && !closed && !localEnded && connection.canSend(stream)) {
      leg.config().setAutoRead(true);
    }
  }

  void closed() {
    closed = true;
    if (answerTimeout != null) {
      answerTimeout.cancel(false);
    }
    if (halfCloseTimer != null) {
      halfCloseTimer.cancel(false);
    }
    if (answer != null) {
      answer.tryFailure(new IOException("stream closed before an answer"));
    }
    releaseHeld();
    closeLeg();
    if (onClosed != null) {
      Runnable r = onClosed;
      onClosed = null;
      r.run();
    }
  }

  private void remoteEnd() {
    remoteEnded = true;
    endLegOutput();
    if (!localEnded) {
      startHalfCloseTimer();
    }
  }

  /**
   * The peer is done sending: the leg's output ends after what was written to it, or the whole leg
   * if our half is done too.
   */
  private void endLegOutput() {
    if (localEnded) {
      closeLeg();
    } else if (leg != null && !legClosing) {
      Channels.shutdownOutputOnFlush(leg);
    }
  }

  private void startHalfCloseTimer() {
    if (halfCloseTimer == null && !closed) {
      lastByteNanos = now();
      scheduleHalfCloseCheck(connection.halfCloseTimeoutNanos());
    }
  }

  private void scheduleHalfCloseCheck(long delayNanos) {
    halfCloseTimer =
        connection
            .channel()
            .eventLoop()
            .schedule(this::checkHalfClose, delayNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Like Netty's IdleStateHandler: bytes seen meanwhile push the deadline on by what is left of it.
   */
  private void checkHalfClose() {
    if (closed) {
      return;
    }
    long left = connection.halfCloseTimeoutNanos() - (now() - lastByteNanos);
    if (left > 0) {
      scheduleHalfCloseCheck(left);
      return;
    }
    log.debug(
        "{} half-closed and idle for {} ms: closed",
        this,
        TimeUnit.NANOSECONDS.toMillis(connection.halfCloseTimeoutNanos()));
    if (leg != null) {
      legClosing = true;
      leg.close();
    }
    cancel();
  }

  private long now() {
    return connection.channel().eventLoop().ticker().nanoTime();
  }

  /**
   * Closes the leg after what was written to it is flushed; both ends and the stream's close all
   * ask.
   */
  private void closeLeg() {
    if (leg != null && !legClosing) {
      legClosing = true;
      Channels.closeOnFlush(leg);
    }
  }

  private void releaseHeld() {
    if (held != null) {
      for (ByteBuf b; (b = held.poll()) != null; ) {
        b.release();
      }
      held = null;
    }
  }

  @Override
  public String toString() {
    return "stream " + stream.id() + " of " + connection.channel();
  }
}
