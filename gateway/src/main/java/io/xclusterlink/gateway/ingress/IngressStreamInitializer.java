package io.xclusterlink.gateway.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Sets up each new HTTP/2 stream a peer opens: one {@link IngressStreamHandler} per stream. */
final class IngressStreamInitializer extends ChannelInitializer<Channel> {
  private final IngressServer.IngressContext context;
  private final String peer;

  IngressStreamInitializer(IngressServer.IngressContext context, String peer) {
    this.context = context;
    this.peer = peer;
  }

  @Override
  protected void initChannel(Channel stream) {
    stream.pipeline().addLast("request", new IngressStreamHandler(context, peer));
  }
}
