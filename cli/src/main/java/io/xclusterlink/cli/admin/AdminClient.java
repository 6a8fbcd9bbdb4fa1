package io.xclusterlink.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProtocols;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.pki.PeerIdentity;
import io.xclusterlink.pki.PkiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A client of one gateway's admin REST API ({@code /v1/...}, JSON) over its Unix socket or a TCP
 * listener ({@code http://}, or {@code https://} with the credentials of {@code --admin-cert}),
 * with Netty's HTTP client codec: one connection per request. Every failure is an {@link
 * AdminException} with a one-line message: the gateway's own {@code error} text when it refused a
 * request, or what went wrong on the way. Construction does no I/O; instances are thread-safe.
 */
public final class AdminClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  // a list of every object of a big store; the gateway's own answers are never near it
  private static final int MAX_ANSWER = 256 << 20;

  private final AdminAddress address;
  private final Path certDir;
  private final Path tokenFile;

  /** A client of the admin API at {@code address}, without credentials (the socket needs none). */
  public AdminClient(AdminAddress address) {
    this(address, null, null);
  }

  /**
   * @param certDir for an {@code https://} address: a folder with {@code ca.crt} (to verify the
   *     gateway's certificate) and, for mutual TLS, {@code tls.crt} and {@code tls.key} (an admin
   *     certificate from {@code xcl admin-cert create}); null otherwise
   * @param tokenFile a file holding the bearer token of a TCP listener, or null
   */
  public AdminClient(AdminAddress address, Path certDir, Path tokenFile) {
    this.address = address;
    this.certDir = certDir;
    this.tokenFile = tokenFile;
  }

  public AdminAddress address() {
    return address;
  }

  /** Applies a multi-document YAML stream; all or nothing on the gateway's side. */
  public List<ApplyResult> apply(String yaml) {
    JsonNode answer = send(HttpMethod.POST, "/v1/apply", null, yaml);
    List<ApplyResult> out = new ArrayList<>();
    for (JsonNode r : answer.path("results")) {
      JsonNode obj = r.path("object");
      out.add(
          new ApplyResult(
              r.path("kind").asText(""),
              textOrNull(r.path("namespace")),
              r.path("name").asText(""),
              r.path("result").asText(""),
              obj.isObject() ? objectOrNull(obj) : null));
    }
    return out;
  }

  /** The objects of a kind in a namespace, or in all namespaces when {@code namespace} is null. */
  public List<XclObject> list(Kind kind, String namespace) {
    JsonNode answer = send(HttpMethod.GET, "/v1/" + kind.plural(), namespace, null);
    List<XclObject> out = new ArrayList<>();
    for (JsonNode item : answer.path("items")) {
      out.add(object(item));
    }
    return out;
  }

  /** One object; an {@link AdminException} with status 404 when there is none. */
  public XclObject get(Kind kind, String namespace, String name) {
    return object(send(HttpMethod.GET, path(kind, name), namespace, null));
  }

  /** Deletes one object; an {@link AdminException} with status 404 when there is none. */
  public void delete(Kind kind, String namespace, String name) {
    send(HttpMethod.DELETE, path(kind, name), namespace, null);
  }

  /** The gateway's status answer as a tree (peers, imports, exports, counters, ...). */
  public JsonNode status() {
    return send(HttpMethod.GET, "/v1/status", null, null);
  }

  private static String path(Kind kind, String name) {
    return "/v1/" + kind.plural() + "/" + encode(name);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One answer: its status and body. */
  private record Answer(int status, String body) {}

  private JsonNode send(HttpMethod method, String path, String namespace, String yaml) {
    String target = path + (namespace == null ? "" : "?namespace=" + encode(namespace));
    Answer answer = exchange(request(method, target, yaml));
    int status = answer.status();
    JsonNode body = parse(answer.body());
    if (status >= 200 && status < 300) {
      if (body == null) {
        throw new AdminException(
            "unexpected answer from "
                + address
                + target
                + ": not JSON (is "
                + address
                + " an xcl gateway's admin API?)",
            status);
      }
      return body;
    }
    String error = body == null ? "" : body.path("error").asText("");
    if (error.isBlank()) {
      error = "HTTP " + status + " from " + method + " " + path;
    }
    throw new AdminException(firstLine(error), status);
  }

  private FullHttpRequest request(HttpMethod method, String target, String yaml) {
    byte[] body = yaml == null ? new byte[0] : yaml.getBytes(StandardCharsets.UTF_8);
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, method, target, Unpooled.wrappedBuffer(body));
    req.headers()
        .set(
            HttpHeaderNames.HOST,
            address instanceof AdminAddress.Url url ? url.uri().getRawAuthority() : "localhost")
        .set(HttpHeaderNames.ACCEPT, "application/json")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (yaml != null) {
      req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/yaml");
    }
    if (tokenFile != null) {
      req.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token());
    }
    return req;
  }

  private String token() {
    try {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new AdminException(
          "admin token file " + tokenFile + " cannot be read: " + e.getMessage(), e);
    }
  }

  private Answer exchange(FullHttpRequest req) {
    boolean tls =
        address instanceof AdminAddress.Url url && url.uri().getScheme().equalsIgnoreCase("https");
    SslContext ssl = tls ? sslContext() : null;
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    Bootstrap b =
        new Bootstrap()
            .group(Loop.GROUP)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (ssl != null) {
                      ch.pipeline().addLast("ssl", ssl.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast("http", new HttpClientCodec())
                        .addLast("aggregator", new HttpObjectAggregator(MAX_ANSWER))
                        .addLast("answer", new AnswerHandler(answer));
                  }
                });
    SocketAddress remote;
    if (address instanceof AdminAddress.Socket socket) {
      if (!Epoll.isAvailable()) {
        req.release();
        throw new AdminException(
            "cannot connect to the admin socket "
                + socket
                + ": Netty's native epoll transport"
                + " did not load (expected: Linux on x86_64; or use the gateway's TCP admin listener)",
            Epoll.unavailabilityCause());
      }
      b.channel(EpollDomainSocketChannel.class);
      remote = new DomainSocketAddress(socket.path().toAbsolutePath().toFile());
    } else {
      URI uri = ((AdminAddress.Url) address).uri();
      b.channel(Loop.TRANSPORT.channelClass());
      String host =
          uri.getHost().startsWith("[")
              ? uri.getHost().substring(1, uri.getHost().length() - 1)
              : uri.getHost();
      InetSocketAddress tcp =
          new InetSocketAddress(host, uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80);
      if (tcp.isUnresolved()) {
        req.release();
        throw unreachable(null);
      }
      remote = tcp;
    }
    ChannelFuture connect = b.connect(remote);
    Channel ch = connect.channel();
    try {
      if (!connect.await(CONNECT_TIMEOUT.toMillis() + 1000)) {
        throw unreachable(null);
      }
      if (!connect.isSuccess()) {
        throw connectFailure(connect.cause());
      }
      ch.writeAndFlush(req);
      req = null;
      return answer.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AdminException(
          "the gateway admin API at "
              + address
              + " did not answer within "
              + REQUEST_TIMEOUT.toSeconds()
              + "s",
          e);
    } catch (ExecutionException e) {
      throw failed(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException(
          "interrupted while waiting for the gateway admin API at " + address, e);
    } finally {
      if (req != null) {
        req.release();
      }
      ch.close();
    }
  }

  private AdminException failed(Throwable cause) {
    if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
      return new AdminException(
          "TLS with the gateway admin API at "
              + address
              + " failed: "
              + describe(cause instanceof SSLException ? cause : cause.getCause())
              + " (expected: --admin-cert DIR with the fabric's ca.crt and an admin certificate)",
          cause);
    }
    if (cause instanceof PkiException) {
      return new AdminException(
          "the gateway admin API at " + address + " presented " + cause.getMessage(), cause);
    }
    return new AdminException(
        "request to the gateway admin API at " + address + " failed: " + describe(cause), cause);
  }

  private AdminException connectFailure(Throwable cause) {
    if (address instanceof AdminAddress.Socket socket) {
      String m = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
      String why;
      if (m.contains("permission denied")) {
        why = "permission denied (expected: run as the gateway's user)";
      } else if (m.contains("no such file")) {
        why = "no such file (is `xcl gateway start` running, with this socket in its --state-dir?)";
      } else if (m.contains("connection refused")) {
        why = "connection refused (is `xcl gateway start` running?)";
      } else {
        why = describe(cause);
      }
      return new AdminException("cannot connect to the admin socket " + socket + ": " + why, cause);
    }
    if (cause instanceof ConnectException
        || cause instanceof io.netty.channel.ConnectTimeoutException) {
      return unreachable(cause);
    }
    return new AdminException(
        "cannot reach the gateway admin API at " + address + ": " + describe(cause), cause);
  }

  private SslContext sslContext() {
    if (certDir == null) {
      throw new AdminException(
          "the admin API at "
              + address
              + " speaks TLS (expected: --admin-cert DIR with the"
              + " fabric's ca.crt, and tls.crt and tls.key of an admin certificate from xcl admin-cert create)",
          0);
    }
    try {
      SslContextBuilder b =
          SslContextBuilder.forClient()
              .protocols(SslProtocols.TLS_v1_3)
              .trustManager(certDir.resolve("ca.crt").toFile())
              // the gateway's certificate names its peer, not the address dialed: the chain is
              // checked
              // against the fabric CA, and AnswerHandler checks that it is a peer certificate
              .endpointIdentificationAlgorithm(null);
      if (Files.exists(certDir.resolve("tls.crt"))) {
        b.keyManager(certDir.resolve("tls.crt").toFile(), certDir.resolve("tls.key").toFile());
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new AdminException(
          "admin credentials in "
              + certDir
              + " cannot be used: "
              + describe(e)
              + " (expected: ca.crt, tls.crt and tls.key from xcl admin-cert create)",
          e);
    }
  }

  private AdminException unreachable(Throwable e) {
    return new AdminException(
        "cannot reach the gateway admin API at " + address + " (is `xcl gateway start` running?)",
        e);
  }

  /** Completes the answer with the one response of the connection, or with what went wrong. */
  private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final CompletableFuture<Answer> answer;

    AnswerHandler(CompletableFuture<Answer> answer) {
      this.answer = answer;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent done
          && done.isSuccess()) {
        try {
          PeerIdentity.fromSession(ctx.pipeline().get(SslHandler.class).engine().getSession());
        } catch (PkiException e) {
          answer.completeExceptionally(e);
          ctx.close();
          return;
        }
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      answer.complete(
          new Answer(msg.status().code(), msg.content().toString(StandardCharsets.UTF_8)));
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      answer.completeExceptionally(new IOException("the connection closed before an answer"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      answer.completeExceptionally(cause);
      ctx.close();
    }
  }

  /** One daemon event loop for every client of the process: a CLI makes one request at a time. */
  private static final class Loop {
    static final Transport TRANSPORT = Transport.choose(true);
    static final EventLoopGroup GROUP = TRANSPORT.newGroup(1, "xcl-admin-client");
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return ObjectCodec.json().createObjectNode();
    }
    try {
      return ObjectCodec.json().readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private XclObject object(JsonNode node) {
    try {
      return ObjectCodec.fromTree(node);
    } catch (InvalidObjectException e) {
      throw new AdminException(
          "unexpected object from the gateway admin API at " + address + ": " + e.getMessage(), 0);
    }
  }

  /** The applied object is extra information: an answer this CLI cannot map is not a failure. */
  private static XclObject objectOrNull(JsonNode node) {
    try {
      return ObjectCodec.fromTree(node);
    } catch (InvalidObjectException e) {
      return null;
    }
  }

  private static String textOrNull(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : firstLine(m);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
