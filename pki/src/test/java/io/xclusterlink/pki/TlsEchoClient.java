package io.xclusterlink.pki;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Dials a {@link TlsEchoServer}, sends one line and reads it back. */
final class TlsEchoClient {
  static final String LINE = "ping\n";

  /**
   * How one exchange went.
   *
   * @param echo what came back, or null when the connection closed first
   */
  record Exchange(Handshake handshake, String echo) {}

  private TlsEchoClient() {}

  /** Dials {@code 127.0.0.1:port} with SNI {@code serverName}. */
  static Exchange exchange(EventLoopGroup group, SslContext context, String serverName, int port)
      throws Exception {
    CompletableFuture<Handshake> handshake = new CompletableFuture<>();
    CompletableFuture<String> echo = new CompletableFuture<>();
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("tls", context.newHandler(ch.alloc(), serverName, port))
                        .addLast("handshake", new Handshake.RecordHandler(handshake::complete))
                        .addLast("echo", new LineReader(echo));
                  }
                })
            .connect("127.0.0.1", port)
            .syncUninterruptibly()
            .channel();
    try {
      Handshake done = handshake.get(10, TimeUnit.SECONDS);
      if (done.succeeded()) {
        channel.writeAndFlush(Unpooled.copiedBuffer(LINE, StandardCharsets.UTF_8));
      }
      return new Exchange(done, echo.get(10, TimeUnit.SECONDS));
    } finally {
      channel.close().syncUninterruptibly();
    }
  }

  /** Completes with the first line read, or with null when the connection ends before one. */
  private static final class LineReader extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<String> line;
    private final StringBuilder received = new StringBuilder();

    LineReader(CompletableFuture<String> line) {
      this.line = line;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        received.append(buf.toString(StandardCharsets.UTF_8));
      } finally {
        buf.release();
      }
      if (received.indexOf("\n") >= 0) {
        line.complete(received.toString());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      line.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // the server refusing this client's certificate arrives here as an alert after the handshake
      line.complete(null);
      ctx.close();
    }
  }
}
