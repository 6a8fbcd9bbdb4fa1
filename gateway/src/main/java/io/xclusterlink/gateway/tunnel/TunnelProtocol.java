package io.xclusterlink.gateway.tunnel;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format of version {@value #VERSION} of the gateway-to-gateway protocol (see
 * docs/protocol.md): the request and answer headers of a tunnel and of a heartbeat, and their
 * parsing. Pure functions; no I/O.
 */
public final class TunnelProtocol {
  public static final String VERSION = "1";
  public static final String ALPN = "h2";
  public static final String TUNNEL_PATH = "/xcl/v1/tunnel";
  public static final String HEARTBEAT_PATH = "/xcl/v1/heartbeat";
  public static final String GATEWAYS_PATH = "/xcl/v1/gateways";
  public static final String H_VERSION = "xcl-version";
  public static final String H_EXPORT_NAME = "xcl-export-name";
  public static final String H_EXPORT_NAMESPACE = "xcl-export-namespace";
  public static final String H_CLIENT_ATTRIBUTE = "xcl-client-attribute";
  public static final String H_REASON = "xcl-reason";
  public static final String H_PEER = "xcl-peer";
  public static final String H_LABEL = "xcl-label";
  public static final String H_GATEWAY = "xcl-gateway";

  /** Only attributes under this prefix may be sent by the egress side; the rest is dropped. */
  public static final String CLIENT_ATTRIBUTE_PREFIX = "client.xclusterlink.io/";

  private TunnelProtocol() {}

  /** Why a tunnel was refused; each maps to one HTTP status. */
  public enum Refusal {
    BAD_REQUEST(400),
    DENIED(403),
    NO_SUCH_EXPORT(404),
    BACKEND_UNREACHABLE(502),
    UNAVAILABLE(503);

    private final int status;

    Refusal(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }

    public static Refusal fromStatus(int status) {
      for (Refusal r : values()) {
        if (r.status == status) {
          return r;
        }
      }
      return UNAVAILABLE;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** The target of a tunnel and the attributes of the client, as the egress side sends them. */
  public record TunnelRequest(
      String exportName, String exportNamespace, Map<String, String> clientAttributes) {
    public TunnelRequest {
      clientAttributes = Map.copyOf(clientAttributes);
    }
  }

  public static Http2Headers tunnelRequest(String authority, TunnelRequest req) {
    Http2Headers h =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("https")
            .authority(authority)
            .path(TUNNEL_PATH)
            .set(H_VERSION, VERSION)
            .set(H_EXPORT_NAME, req.exportName())
            .set(H_EXPORT_NAMESPACE, req.exportNamespace());
    for (Map.Entry<String, String> e : req.clientAttributes().entrySet()) {
      h.add(H_CLIENT_ATTRIBUTE, e.getKey() + "=" + e.getValue());
    }
    return h;
  }

  /**
   * Parses a tunnel request; throws {@link IllegalArgumentException} with a one-line message when a
   * field is missing. Client attributes outside {@value #CLIENT_ATTRIBUTE_PREFIX} are dropped: a
   * peer may describe its client, never itself or the export.
   */
  public static TunnelRequest parseTunnelRequest(Http2Headers h) {
    CharSequence version = h.get(H_VERSION);
    if (version == null || !VERSION.contentEquals(version)) {
      throw new IllegalArgumentException(
          H_VERSION + ": '" + version + "' (expected: " + VERSION + ")");
    }
    String name = string(h, H_EXPORT_NAME);
    String ns = string(h, H_EXPORT_NAMESPACE);
    Map<String, String> attrs = new LinkedHashMap<>();
    List<CharSequence> values = h.getAll(H_CLIENT_ATTRIBUTE);
    for (CharSequence v : values) {
      String s = v.toString();
      int eq = s.indexOf('=');
      if (eq > 0 && s.startsWith(CLIENT_ATTRIBUTE_PREFIX)) {
        attrs.put(s.substring(0, eq), s.substring(eq + 1));
      }
    }
    return new TunnelRequest(name, ns, attrs);
  }

  private static String string(Http2Headers h, String name) {
    CharSequence v = h.get(name);
    if (v == null || v.length() == 0) {
      throw new IllegalArgumentException(name + ": missing (expected: a name)");
    }
    return v.toString();
  }

  public static Http2Headers accepted() {
    return new DefaultHttp2Headers().status("200");
  }

  public static Http2Headers refused(Refusal refusal, String reason) {
    return new DefaultHttp2Headers()
        .status(Integer.toString(refusal.status()))
        .set(H_REASON, oneLine(reason));
  }

  public static Http2Headers heartbeatRequest(String authority) {
    return new DefaultHttp2Headers()
        .method("GET")
        .scheme("https")
        .authority(authority)
        .path(HEARTBEAT_PATH)
        .set(H_VERSION, VERSION);
  }

  /** The heartbeat answer carries the answering peer's name and labels. */
  public static Http2Headers heartbeatAnswer(String peer, Map<String, String> labels) {
    Http2Headers h = new DefaultHttp2Headers().status("200").set(H_PEER, peer);
    for (Map.Entry<String, String> e : labels.entrySet()) {
      h.add(H_LABEL, e.getKey() + "=" + e.getValue());
    }
    return h;
  }

  /** Asks a peer for the GatewayExIps it publishes (docs/protocol.md, "Gateways"). */
  public static Http2Headers gatewaysRequest(String authority) {
    return new DefaultHttp2Headers()
        .method("GET")
        .scheme("https")
        .authority(authority)
        .path(GATEWAYS_PATH)
        .set(H_VERSION, VERSION);
  }

  /** The answer to a gateways request: one {@value #H_GATEWAY} header per published object. */
  public static Http2Headers gatewaysAnswer(String peer, List<String> gateways) {
    Http2Headers h = new DefaultHttp2Headers().status("200").set(H_PEER, peer);
    for (String g : gateways) {
      h.add(H_GATEWAY, g);
    }
    return h;
  }

  /** The {@value #H_GATEWAY} values of a gateways answer, in order. */
  public static List<String> parseGateways(Http2Headers h) {
    return h.getAll(H_GATEWAY).stream().map(CharSequence::toString).toList();
  }

  public static Map<String, String> parseLabels(Http2Headers h) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (CharSequence v : h.getAll(H_LABEL)) {
      String s = v.toString();
      int eq = s.indexOf('=');
      if (eq > 0) {
        labels.put(s.substring(0, eq), s.substring(eq + 1));
      }
    }
    return labels;
  }

  public static int status(Http2Headers h) {
    CharSequence s = h.status();
    if (s == null) {
      return 0;
    }
    try {
      return Integer.parseInt(s.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public static String reason(Http2Headers h) {
    CharSequence r = h.get(H_REASON);
    return r == null ? "no reason given" : r.toString();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
  }
}
