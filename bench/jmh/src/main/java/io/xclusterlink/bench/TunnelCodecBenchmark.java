package io.xclusterlink.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.xclusterlink.gateway.tunnel.TunnelProtocol;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tunnel request on the wire: building the headers and HPACK-encoding them (egress), and
 * HPACK-decoding and parsing them (ingress), with realistic client attributes. Encoder and decoder
 * keep their dynamic tables across calls, as on a pooled connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TunnelCodecBenchmark {
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);
  private TunnelRequest request;
  private ByteBuf encoded;

  @Setup
  public void setUp() throws Http2Exception {
    request =
        new TunnelRequest(
            "orders-db",
            "prod",
            Map.of(
                "client.xclusterlink.io/namespace", "web",
                "client.xclusterlink.io/service-account", "frontend",
                "client.xclusterlink.io/labels.app", "shop"));
    encoded = PooledByteBufAllocator.DEFAULT.directBuffer();
    encoder.encodeHeaders(3, TunnelProtocol.tunnelRequest("p0", request), encoded);
  }

  @Benchmark
  public int encode() throws Http2Exception {
    ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(256);
    try {
      encoder.encodeHeaders(3, TunnelProtocol.tunnelRequest("p0", request), out);
      return out.readableBytes();
    } finally {
      out.release();
    }
  }

  @Benchmark
  public TunnelRequest decode() throws Http2Exception {
    ByteBuf in = encoded.retainedDuplicate();
    try {
      Http2Headers h = decoder.decodeHeaders(3, in);
      return TunnelProtocol.parseTunnelRequest(h);
    } finally {
      in.release();
    }
  }
}
