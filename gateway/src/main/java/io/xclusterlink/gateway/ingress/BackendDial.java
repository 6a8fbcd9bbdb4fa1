package io.xclusterlink.gateway.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import java.net.UnknownHostException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Dials an export's backend, trying again at once when a connect fails fast. Under heavy
 * connection churn on one host a connect now and then fails at the TCP level (an ephemeral port
 * that the backend still holds for a connection that just closed); a new attempt uses a new port
 * and succeeds. Like HAProxy's {@code retries 3}: at most {@link #ATTEMPTS} connects, never after
 * a timeout (that would multiply the wait) or an unknown host, and never once the tunnel's stream
 * is gone. Runs on the stream's event loop; the callbacks run there too.
 */
final class BackendDial {
  /** Connects per tunnel, the first included. */
  static final int ATTEMPTS = 3;

  private final Supplier<ChannelFuture> connect;
  private final BooleanSupplier wanted;
  private final Consumer<Channel> onConnected;
  private final Consumer<Throwable> onFailed;
  private ChannelFuture current;

  /**
   * @param connect starts one connect
   * @param wanted false once the connection is no longer needed (the stream closed)
   * @param onConnected receives the connected channel
   * @param onFailed receives the last attempt's failure
   */
  BackendDial(
      Supplier<ChannelFuture> connect,
      BooleanSupplier wanted,
      Consumer<Channel> onConnected,
      Consumer<Throwable> onFailed) {
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
    ChannelFuture f = connect.get();
    current = f;
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            onConnected.accept(f.channel());
            return;
          }
          f.channel().close();
          if (done.isCancelled()) {
            return; // the stream is gone: nobody to answer
          }
          if (n < ATTEMPTS && retryable(done.cause()) && wanted.getAsBoolean()) {
            attempt(n + 1);
          } else {
            onFailed.accept(done.cause());
          }
        });
  }

  private static boolean retryable(Throwable cause) {
    return !(cause instanceof ConnectTimeoutException || cause instanceof UnknownHostException);
  }
}
