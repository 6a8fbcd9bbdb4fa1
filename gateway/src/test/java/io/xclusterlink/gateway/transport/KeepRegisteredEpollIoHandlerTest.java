package io.xclusterlink.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeepRegisteredEpollIoHandlerTest {
  /** Records what reaches Netty's registration. */
  private static final class Recording implements IoRegistration {
    final List<IoOps> submitted = new ArrayList<>();

    @Override
    public <T> T attachment() {
      return null;
    }

    @Override
    public long submit(IoOps ops) {
      submitted.add(ops);
      return 0;
    }

    @Override
    public boolean isValid() {
      return true;
    }

    @Override
    public boolean cancel() {
      return true;
    }
  }

  @Test
  void noInterestStaysInTheEpollSetAsEdgeTriggeredAndEverythingElsePassesThrough() {
    Recording netty = new Recording();
    IoRegistration r = new KeepRegisteredEpollIoHandler.KeepRegistered(netty);
    r.submit(EpollIoOps.EPOLLRDHUP.with(EpollIoOps.EPOLLIN));
    r.submit(EpollIoOps.NONE);
    r.submit(EpollIoOps.EPOLLOUT);
    assertThat(netty.submitted)
        .containsExactly(
            EpollIoOps.EPOLLRDHUP.with(EpollIoOps.EPOLLIN),
            EpollIoOps.EPOLLET,
            EpollIoOps.EPOLLOUT);
  }
}
