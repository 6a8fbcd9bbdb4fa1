package io.xclusterlink.gateway.tunnel;

import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * HTTP/2 settings of gateway-to-gateway connections. Windows are large because each stream is a
 * bulk byte pipe; idle streams cost no memory for them.
 */
public final class Http2Codecs {
  /** Per-stream receive window. */
  public static final int STREAM_WINDOW = 1 << 20;
  /** Connection-level receive window, granted once after the preface. */
  public static final int CONNECTION_WINDOW = 16 << 20;
  /** Tunnels one connection may carry at once. */
  public static final long MAX_STREAMS = 100_000;

  private Http2Codecs() {}

  private static Http2Settings settings() {
    return Http2Settings.defaultSettings()
        .initialWindowSize(STREAM_WINDOW)
        .maxConcurrentStreams(MAX_STREAMS)
        .maxFrameSize(64 * 1024 - 1)
        .maxHeaderListSize(64 * 1024);
  }

  public static Http2FrameCodec client() {
    return Http2FrameCodecBuilder.forClient().initialSettings(settings()).build();
  }

  public static Http2FrameCodec server() {
    return Http2FrameCodecBuilder.forServer().initialSettings(settings()).build();
  }
}
