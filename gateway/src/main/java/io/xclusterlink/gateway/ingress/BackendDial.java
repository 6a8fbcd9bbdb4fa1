package io.xclusterlink.gateway.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.EventExecutor;
import java.net.UnknownHostException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Dials an export's backend, trying again at once when a connect fails fast. Under heavy connection
 * churn on one host a connect now and then fails at the TCP level (an ephemeral port that the
 * backend still holds for a connection that just closed); a new attempt uses a new port and
 * succeeds. Like HAProxy's {@code retries 3}: at most {@link #ATTEMPTS} connects, never after a
 * timeout (that would multiply the wait) or an unknown host, and never once the tunnel's stream is
 * gone. Runs on the stream's event loop; the callbacks run there too, also when a connect fails
 * before it has a channel of its own (no file descriptor left, EMFILE): Netty then completes the
 * attempt on its global executor with a channel that was never registered.
 */
final class BackendDial {
  /** Connects per tunnel, the first included. */
  static final int ATTEMPTS = 3;

  private final EventExecutor loop;
  private final Supplier<ChannelFuture> connect;
  private final BooleanSupplier wanted;
  private final Consumer<Channel> onConnected;
  private final Consumer<Throwable> onFailed;
  private ChannelFuture current;

  /**
   * @param loop the stream's event loop, where every callback runs
   * @param connect starts one connect
   * @param wanted false once the connection is no longer needed (the stream closed)
   * @param onConnected receives the connected channel
   * @param onFailed receives the last attempt's failure
   */
  BackendDial(
      EventExecutor loop,
      Supplier<ChannelFuture> connect,
      BooleanSupplier wanted,
      Consumer<Channel> onConnected,
      Consumer<Throwable> onFailed) {
    this.loop = loop;
    this.connect = connect;
    this.wanted = wanted;
    this.onConnected = onConnected;
    this.onFailed = onFailed;
  }

  /** Starts the first attempt. */
  BackendDial start() {
    attempt(1);
    return this;
  }

  /** Cancels the attempt in progress, if any. */
  void cancel() {
    ChannelFuture f = current;
    if (f != null && !f.isDone()) {
      f.cancel(false);
    }
  }

  private void attempt(int n) {
    ChannelFuture f;
    try {
      f = connect.get();
    } catch (RuntimeException e) {
      onFailed.accept(e);
      return;
    }
    current = f;
    f.addListener(
        done -> {
          if (loop.inEventLoop()) {
            completed(f, n);
          } else {
            loop.execute(() -> completed(f, n));
          }
        });
  }

  private void completed(ChannelFuture f, int n) {
    if (f.isSuccess()) {
      onConnected.accept(f.channel());
      return;
    }
    if (f.channel().isRegistered()) {
      f.channel().close();
    }
    if (f.isCancelled()) {
      return; // the stream is gone: nobody to answer
    }
    if (n < ATTEMPTS && retryable(f.cause()) && wanted.getAsBoolean()) {
      attempt(n + 1);
    } else {
      onFailed.accept(f.cause());
    }
  }

  private static boolean retryable(Throwable cause) {
    return !(cause instanceof ConnectTimeoutException || cause instanceof UnknownHostException);
  }
}
