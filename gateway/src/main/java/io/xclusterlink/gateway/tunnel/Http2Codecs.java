package io.xclusterlink.gateway.tunnel;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
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

  /**
   * Outbound buffer limits of a gateway-to-gateway connection. Its streams stop being writable
   * when the connection is not, so a low mark would pause every tunnel after each 64 KiB read.
   */
  public static final WriteBufferWaterMark CONNECTION_WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);
  /** Outbound buffer limits of a tunnel's TCP leg (client or backend). */
  public static final WriteBufferWaterMark LEG_WATER_MARK = new WriteBufferWaterMark(128 * 1024, 256 * 1024);
  /**
   * Reads of up to 256 KiB: on a busy tunnel most of the cost is system calls (two reads and two
   * writes per hop and direction), so fewer, larger ones carry more bytes per call.
   */
  public static AdaptiveRecvByteBufAllocator readSizes() {
    return new AdaptiveRecvByteBufAllocator(2048, 16 * 1024, 256 * 1024);
  }

  /** Flushes from many streams in one event-loop turn become one write to TLS and the socket. */
  public static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;

  private Http2Codecs() {}

  private static Http2Settings settings() {
    return Http2Settings.defaultSettings()
        .initialWindowSize(STREAM_WINDOW)
        .maxConcurrentStreams(MAX_STREAMS)
        .maxFrameSize(64 * 1024 - 1)
        .maxHeaderListSize(64 * 1024);
  }

  /**
   * RST_STREAM frames one connection may receive per {@link #RST_WINDOW_SECONDS}. Netty's default
   * (200 per 30 s) guards public servers against "rapid reset" floods; between two authenticated
   * gateways every aborted client connection is one reset, so under churn the default would tear
   * down the pooled connection and every tunnel on it.
   */
  static final int MAX_RST_PER_WINDOW = 1_000_000;
  static final int RST_WINDOW_SECONDS = 10;

  public static Http2FrameCodec client() {
    return Http2FrameCodecBuilder.forClient()
        .initialSettings(settings())
        .decoderEnforceMaxRstFramesPerWindow(MAX_RST_PER_WINDOW, RST_WINDOW_SECONDS)
        .build();
  }

  public static Http2FrameCodec server() {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(settings())
        .decoderEnforceMaxRstFramesPerWindow(MAX_RST_PER_WINDOW, RST_WINDOW_SECONDS)
        .build();
  }
}
