package io.xclusterlink.gateway.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll {@link IoHandler} with one fix: a channel that wants no events stays in the epoll
 * set (edge-triggered, no interest) instead of being removed from it.
 *
 * <p>Why: Netty 4.2.18 (and 4.2.21) removes a registration whose interest becomes empty ({@code
 * EPOLL_CTL_DEL}) but keeps it marked as added, so the next interest change is an {@code
 * EPOLL_CTL_MOD} that fails with ENOENT and closes the channel. A half-closed TCP leg hits this
 * every time: once its input has ended Netty clears EPOLLIN and EPOLLRDHUP, and the first write
 * that has to wait for the socket (EPOLLOUT) then kills the leg in mid-answer. With EPOLLET and no
 * interest the kernel reports nothing but an error or hang-up, once per change (never a busy loop),
 * as before the removal. Costs one comparison per interest change.
 */
final class KeepRegisteredEpollIoHandler implements IoHandler {
  private final IoHandler epoll;

  private KeepRegisteredEpollIoHandler(IoHandler epoll) {
    this.epoll = epoll;
  }

  /** Wraps every handler {@code epoll} makes. */
  static IoHandlerFactory factory(IoHandlerFactory epoll) {
    return new IoHandlerFactory() {
      @Override
      public IoHandler newHandler(ThreadAwareExecutor executor) {
        return new KeepRegisteredEpollIoHandler(epoll.newHandler(executor));
      }

      @Override
      public boolean isChangingThreadSupported() {
        return epoll.isChangingThreadSupported();
      }
    };
  }

  @Override
  public IoRegistration register(IoHandle handle) throws Exception {
    return new KeepRegistered(epoll.register(handle));
  }

  @Override
  public void initialize() {
    epoll.initialize();
  }

  @Override
  public int run(IoHandlerContext context) {
    return epoll.run(context);
  }

  @Override
  public void prepareToDestroy() {
    epoll.prepareToDestroy();
  }

  @Override
  public void destroy() {
    epoll.destroy();
  }

  @Override
  public void wakeup() {
    epoll.wakeup();
  }

  @Override
  public boolean isCompatible(Class<? extends IoHandle> handleType) {
    return epoll.isCompatible(handleType);
  }

  /** Turns "no events" into "edge-triggered, no interest", which Netty keeps in the epoll set. */
  static final class KeepRegistered implements IoRegistration {
    private final IoRegistration registration;

    KeepRegistered(IoRegistration registration) {
      this.registration = registration;
    }

    @Override
    public <T> T attachment() {
      return registration.attachment();
    }

    @Override
    public long submit(IoOps ops) {
      return registration.submit(EpollIoOps.NONE.equals(ops) ? EpollIoOps.EPOLLET : ops);
    }

    @Override
    public boolean isValid() {
      return registration.isValid();
    }

    @Override
    public boolean cancel() {
      return registration.cancel();
    }
  }
}
