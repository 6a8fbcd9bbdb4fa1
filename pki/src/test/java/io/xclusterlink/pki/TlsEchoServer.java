package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A TLS echo server on 127.0.0.1 that takes its context per accepted connection (so a reload
 * applies to the next one) and reports how each handshake ended.
 */
final class TlsEchoServer implements AutoCloseable {
  private final Channel channel;
  private final BlockingQueue<Handshake> handshakes = new LinkedBlockingQueue<>();

  TlsEchoServer(EventLoopGroup group, Supplier<SslContext> context) {
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("tls", context.get().newHandler(ch.alloc()))
                        .addLast("handshake", new Handshake.RecordHandler(handshakes::add))
                        .addLast("echo", new EchoHandler());
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The handshake of the next accepted connection. */
  Handshake nextHandshake() throws InterruptedException {
    Handshake handshake = handshakes.poll(10, TimeUnit.SECONDS);
    assertThat(handshake).as("handshake on the server side").isNotNull();
    return handshake;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /** Writes back what it reads. */
  private static final class EchoHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // a refused handshake ends here; the RecordHandler has already reported it
      ctx.close();
    }
  }
}
