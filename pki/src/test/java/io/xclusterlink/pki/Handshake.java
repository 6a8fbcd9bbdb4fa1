package io.xclusterlink.pki;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * How the TLS handshake of one connection ended, as one side saw it.
 *
 * @param remotePeer {@link PeerIdentity#fromSession} of the other side, or null
 */
record Handshake(
    boolean succeeded,
    String protocol,
    String cipher,
    String alpn,
    String remotePeer,
    SSLSession session,
    Throwable cause) {

  /** Reports the handshake of its connection once, then removes itself. */
  static final class RecordHandler extends ChannelInboundHandlerAdapter {
    private final Consumer<Handshake> done;

    RecordHandler(Consumer<Handshake> done) {
      this.done = done;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (!(evt instanceof SslHandshakeCompletionEvent event)) {
        super.userEventTriggered(ctx, evt);
        return;
      }
      if (event.isSuccess()) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        SSLSession session = ssl.engine().getSession();
        String remote;
        try {
          remote = PeerIdentity.fromSession(session);
        } catch (PkiException e) {
          remote = null;
        }
        done.accept(
            new Handshake(
                true,
                session.getProtocol(),
                session.getCipherSuite(),
                ssl.applicationProtocol(),
                remote,
                session,
                null));
      } else {
        done.accept(new Handshake(false, null, null, null, null, null, event.cause()));
      }
      ctx.pipeline().remove(this);
    }
  }
}
