package io.xclusterlink.gateway.relay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RelayHandlerTest {
  @Test
  void tcpBytesBecomeDataFramesWithoutCopy() {
    EmbeddedChannel stream = new EmbeddedChannel();
    AtomicLong counted = new AtomicLong();
    EmbeddedChannel tcp = new EmbeddedChannel(new RelayHandler(stream, true, counted::addAndGet));
    ByteBuf buf = Unpooled.copiedBuffer("hello", UTF_8);
    tcp.writeInbound(buf);
    Http2DataFrame frame = stream.readOutbound();
    assertThat(frame.content()).isSameAs(buf);
    assertThat(frame.isEndStream()).isFalse();
    assertThat(counted).hasValue(5);
    frame.release();
  }

  @Test
  void closingTheTcpLegEndsTheStream() {
    EmbeddedChannel stream = new EmbeddedChannel();
    EmbeddedChannel tcp = new EmbeddedChannel(new RelayHandler(stream, true, n -> {}));
    tcp.close();
    Http2DataFrame end = stream.readOutbound();
    assertThat(end.isEndStream()).isTrue();
    assertThat(end.content().readableBytes()).isZero();
  }

  @Test
  void dataFramesGoToTcpAndEndStreamClosesIt() {
    EmbeddedChannel tcp = new EmbeddedChannel();
    EmbeddedChannel stream = new EmbeddedChannel(new RelayHandler(tcp, false, n -> {}));
    stream.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("abc", UTF_8), false));
    stream.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("def", UTF_8), true));
    ByteBuf a = tcp.readOutbound();
    ByteBuf b = tcp.readOutbound();
    assertThat(a.toString(UTF_8) + b.toString(UTF_8)).isEqualTo("abcdef");
    a.release();
    b.release();
    assertThat(tcp.isOpen()).isFalse();
  }

  @Test
  void aResetStreamClosesTheTcpLeg() {
    EmbeddedChannel tcp = new EmbeddedChannel();
    EmbeddedChannel stream = new EmbeddedChannel(new RelayHandler(tcp, false, n -> {}));
    stream.close();
    assertThat(tcp.isOpen()).isFalse();
  }
}
