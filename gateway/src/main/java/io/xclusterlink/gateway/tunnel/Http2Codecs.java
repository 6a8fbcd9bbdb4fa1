package io.xclusterlink.gateway.tunnel;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.WeightedFairQueueByteDistributor;

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
   * The dialing side opens no stream with a higher id on one connection (HTTP/2 ids end at 2^31 -
   * 1); it dials a new connection instead and closes the old one once its tunnels ended.
   */
  static final int LAST_STREAM_ID = Integer.MAX_VALUE - (1 << 21);

  /**
   * Outbound buffer limits of a gateway-to-gateway connection. Its streams stop being writable when
   * the connection is not, so a low mark would pause every tunnel after each 64 KiB read.
   */
  public static final WriteBufferWaterMark CONNECTION_WATER_MARK =
      new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

  /** Outbound buffer limits of a tunnel's TCP leg (client or backend). */
  public static final WriteBufferWaterMark LEG_WATER_MARK =
      new WriteBufferWaterMark(128 * 1024, 256 * 1024);

  /**
   * Reads of up to 256 KiB: on a busy tunnel most of the cost is system calls (two reads and two
   * writes per hop and direction), so fewer, larger ones carry more bytes per call.
   */
  public static AdaptiveRecvByteBufAllocator readSizes() {
    return new AdaptiveRecvByteBufAllocator(2048, 16 * 1024, 256 * 1024);
  }

  /** Flushes from many streams in one event-loop turn become one write to TLS and the socket. */
  public static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;

  /**
   * Largest DATA frame a gateway accepts (the protocol's upper bound, 2^24 - 1). A whole TCP read
   * of a tunnel leg becomes one frame: fewer frame headers, fewer flow-control steps, and on the
   * sending side only the first TLS record of a frame has to join header and payload by a copy.
   */
  public static final int MAX_FRAME_SIZE = Http2CodecUtil.MAX_FRAME_SIZE_UPPER_BOUND;

  /**
   * Bytes the connection's writer hands to one stream before it moves on to the next busy one.
   * Netty's default (1 KiB) cuts the DATA of concurrent bulk tunnels into 1 KiB frames; 64 KiB
   * keeps them fair at a granularity far below a stream's window and well above a TLS record.
   */
  public static final int ALLOCATION_QUANTUM = 64 * 1024;

  private Http2Codecs() {}

  private static Http2Settings settings() {
    return Http2Settings.defaultSettings()
        .initialWindowSize(STREAM_WINDOW)
        .maxConcurrentStreams(MAX_STREAMS)
        .maxFrameSize(MAX_FRAME_SIZE)
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

  /** The dialing side's handler: it opens streams and refuses any the peer opens. */
  public static TunnelConnection client() {
    return new TunnelConnectionBuilder(false, null).build();
  }

  /** The accepting side's handler: every stream the peer opens goes to {@code acceptor}. */
  public static TunnelConnection server(TunnelConnection.Acceptor acceptor) {
    return new TunnelConnectionBuilder(true, acceptor).build();
  }

  /**
   * Netty's connection handler settings, over a connection whose writer uses {@link
   * #ALLOCATION_QUANTUM}.
   */
  private static final class TunnelConnectionBuilder
      extends AbstractHttp2ConnectionHandlerBuilder<TunnelConnection, TunnelConnectionBuilder> {
    private final TunnelConnection.Acceptor acceptor;

    TunnelConnectionBuilder(boolean server, TunnelConnection.Acceptor acceptor) {
      this.acceptor = acceptor;
      Http2Connection connection = new DefaultHttp2Connection(server, MAX_RESERVED_STREAMS);
      WeightedFairQueueByteDistributor distributor =
          new WeightedFairQueueByteDistributor(connection);
      distributor.allocationQuantum(ALLOCATION_QUANTUM);
      connection
          .remote()
          .flowController(new DefaultHttp2RemoteFlowController(connection, distributor));
      connection(connection);
      Http2Settings settings = settings();
      if (!server) {
        settings.pushEnabled(false);
      }
      initialSettings(settings);
      decoderEnforceMaxRstFramesPerWindow(MAX_RST_PER_WINDOW, RST_WINDOW_SECONDS);
    }

    @Override
    public TunnelConnection build() {
      TunnelConnection handler = super.build();
      // A DATA frame is far larger than one TLS record, so it nearly always arrives in pieces;
      // cumulating the pieces in a composite buffer spares a copy of every byte received.
      handler.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
      return handler;
    }

    @Override
    protected TunnelConnection build(
        Http2ConnectionDecoder decoder,
        Http2ConnectionEncoder encoder,
        Http2Settings initialSettings) {
      return new TunnelConnection(decoder, encoder, initialSettings, acceptor);
    }
  }

  /** Streams a peer may reserve by PUSH_PROMISE (Netty's default; gateways never push). */
  private static final int MAX_RESERVED_STREAMS = 100;
}
