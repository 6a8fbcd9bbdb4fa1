package io.xclusterlink.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackendDialTest {
  private final List<ChannelPromise> attempts = new ArrayList<>();
  private final Deque<Throwable> outcomes = new ArrayDeque<>();
  private final AtomicReference<Channel> connected = new AtomicReference<>();
  private final AtomicReference<Throwable> failed = new AtomicReference<>();
  private final AtomicBoolean wanted = new AtomicBoolean(true);

  /**
   * Each connect completes at once: with the next queued failure, or successfully when none is
   * left.
   */
  private ChannelFuture connect() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ChannelPromise p = ch.newPromise();
    attempts.add(p);
    Throwable t = outcomes.poll();
    if (t == null) {
      p.setSuccess();
    } else {
      p.setFailure(t);
    }
    return p;
  }

  private BackendDial dial() {
    return new BackendDial(
        ImmediateEventExecutor.INSTANCE, this::connect, wanted::get, connected::set, failed::set);
  }

  @Test
  void connectsAtTheFirstAttemptWhenTheBackendAnswers() {
    dial().start();
    assertThat(attempts).hasSize(1);
    assertThat(connected.get()).isSameAs(attempts.get(0).channel());
    assertThat(failed.get()).isNull();
  }

  @Test
  void triesAgainAfterAFastFailureAndClosesTheFailedLeg() {
    outcomes.add(new ConnectException("Connection refused"));
    dial().start();
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).channel().isOpen()).isFalse();
    assertThat(connected.get()).isSameAs(attempts.get(1).channel());
    assertThat(failed.get()).isNull();
  }

  @Test
  void givesUpAfterThreeAttemptsWithTheLastCause() {
    for (int i = 0; i < BackendDial.ATTEMPTS; i++) {
      outcomes.add(new ConnectException("Connection refused #" + i));
    }
    dial().start();
    assertThat(attempts).hasSize(BackendDial.ATTEMPTS);
    assertThat(connected.get()).isNull();
    assertThat(failed.get()).hasMessage("Connection refused #2");
    assertThat(attempts).allSatisfy(p -> assertThat(p.channel().isOpen()).isFalse());
  }

  @Test
  void doesNotMultiplyATimeout() {
    outcomes.add(new ConnectTimeoutException("connection timed out"));
    dial().start();
    assertThat(attempts).hasSize(1);
    assertThat(failed.get()).isInstanceOf(ConnectTimeoutException.class);
  }

  @Test
  void stopsTryingOnceTheStreamIsGone() {
    outcomes.add(new ConnectException("Connection refused"));
    wanted.set(false);
    dial().start();
    assertThat(attempts).hasSize(1);
    assertThat(connected.get()).isNull();
    assertThat(failed.get()).isInstanceOf(ConnectException.class);
  }

  @Test
  void answersOnTheStreamsLoopWhenNoFileDescriptorIsLeft() throws Exception {
    // what Bootstrap returns at EMFILE: a failed future on Netty's global executor whose channel
    // was never registered (closing it used to throw, so the stream was never answered)
    EventLoop loop = new DefaultEventLoop();
    try {
      Bootstrap noFds =
          new Bootstrap()
              .group(loop)
              .channelFactory(
                  () -> {
                    throw new ChannelException(new IOException("Too many open files"));
                  })
              .handler(new ChannelInboundHandlerAdapter());
      AtomicReference<Thread> answeredOn = new AtomicReference<>();
      loop.submit(
              () ->
                  new BackendDial(
                          loop,
                          () -> noFds.connect(new io.netty.channel.local.LocalAddress("backend")),
                          wanted::get,
                          connected::set,
                          cause -> {
                            answeredOn.set(Thread.currentThread());
                            failed.set(cause);
                          })
                      .start())
          .sync();
      await().atMost(Duration.ofSeconds(10)).until(() -> failed.get() != null);
      assertThat(failed.get()).hasRootCauseMessage("Too many open files");
      assertThat(loop.submit(() -> Thread.currentThread()).get()).isSameAs(answeredOn.get());
      assertThat(connected.get()).isNull();
    } finally {
      loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
