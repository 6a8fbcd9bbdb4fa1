package io.xclusterlink.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.xclusterlink.store.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's admin REST API on HTTP/1.1: apply, get, list and delete objects of the store, and
 * health, status and metrics (the gateway's own and those its L3 agents push, kept in memory by
 * {@link AgentMetricsSnapshots}). It listens on a Unix domain socket that only the gateway's user
 * and root may use (file mode 0600 and the peer's uid by SO_PEERCRED), and optionally on TCP with
 * an admin certificate or a bearer token ({@link AdminConfig}). Construction does no I/O; {@link
 * #start()} binds. Requests of both listeners are served one at a time on the server's own thread,
 * off the caller-owned event loops.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  // sun_path of struct sockaddr_un is 108 bytes, with its terminating NUL
  private static final int MAX_SOCKET_PATH = 107;

  private final AdminConfig config;
  private final Path socketPath;
  private final AdminRoutes routes;
  private final Supplier<SslContext> tls;
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> tcpChannelClass;
  private final ChannelGroup connections =
      new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);
  private final List<Channel> serverChannels = new ArrayList<>();
  private ExecutorService requestExecutor;
  private InetSocketAddress tcpAddress;
  private boolean started;
  private boolean closed;

  /**
   * @param status the answer of {@code GET /v1/status}, written as JSON
   * @param metricsText the answer of {@code GET /metrics}; null when metrics are off (404)
   * @param tls the current TLS context of the TCP listener when it uses mutual TLS (the gateway's
   *     {@code TlsContexts::adminServer}, read per connection so reloads apply); null otherwise
   * @param group caller-owned event loops for the listeners and their connections; epoll, for the
   *     Unix domain socket
   * @param tcpChannelClass the TCP server channel class that fits {@code group}
   */
  public AdminServer(
      AdminConfig config,
      Store store,
      Admission admission,
      Supplier<Object> status,
      Supplier<String> metricsText,
      Supplier<SslContext> tls,
      EventLoopGroup group,
      Class<? extends ServerChannel> tcpChannelClass) {
    this.config = Objects.requireNonNull(config, "config");
    this.socketPath = config.socket().toAbsolutePath();
    this.routes =
        new AdminRoutes(
            Objects.requireNonNull(store, "store"),
            Objects.requireNonNull(admission, "admission"),
            Objects.requireNonNull(status, "status"),
            metricsText,
            new AgentMetricsSnapshots());
    this.tls = tls;
    this.group = Objects.requireNonNull(group, "group");
    this.tcpChannelClass = Objects.requireNonNull(tcpChannelClass, "tcpChannelClass");
  }

  /**
   * Binds the admin socket and, when configured, the TCP address. A socket file left by a gateway
   * that is gone is replaced; one that a process answers on is not.
   *
   * @throws AdminStartException with a one-line message when an address is in use or cannot be
   *     bound, the TCP listener lacks authentication (or is beyond loopback without mutual TLS), or
   *     the token file is not private
   */
  public synchronized AdminServer start() {
    if (started || closed) {
      throw new IllegalStateException("admin server on " + socketPath + " was already started");
    }
    started = true;
    AdminTcp tcp = config.tcp();
    AdminToken token = tcp == null ? null : checkTcp(tcp);
    requestExecutor =
        Executors.newSingleThreadExecutor(new DefaultThreadFactory("xcl-admin", true));
    try {
      bindSocket();
      if (tcp != null) {
        bindTcp(tcp, token);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  private AdminToken checkTcp(AdminTcp tcp) {
    String where = "admin TCP listener " + hostPort(tcp.address());
    if (!tcp.mutualTls() && tcp.tokenFile() == null) {
      throw new AdminStartException(
          where
              + " has no authentication (expected: --admin-mtls and/or"
              + " --admin-token-file; the admin socket "
              + socketPath
              + " needs neither)",
          null);
    }
    if (!tcp.mutualTls() && !tcp.address().getAddress().isLoopbackAddress()) {
      throw new AdminStartException(
          where
              + " is beyond loopback without mutual TLS (expected: a loopback"
              + " address, or --admin-mtls with admin certificates from xcl admin-cert create)",
          null);
    }
    if (tcp.mutualTls() && tls == null) {
      throw new IllegalStateException(where + ": mutual TLS asked for but no TLS context given");
    }
    return tcp.tokenFile() == null ? null : AdminToken.read(tcp.tokenFile());
  }

  private void bindSocket() {
    byte[] pathBytes = socketPath.toString().getBytes(StandardCharsets.UTF_8);
    if (pathBytes.length > MAX_SOCKET_PATH) {
      throw new AdminStartException(
          "admin socket "
              + socketPath
              + ": "
              + pathBytes.length
              + " bytes (expected: at most "
              + MAX_SOCKET_PATH
              + ", the limit of a Unix socket address; choose a shorter --admin-socket)",
          null);
    }
    if (!Epoll.isAvailable()) {
      throw new AdminStartException(
          "admin socket "
              + socketPath
              + " needs Netty's native epoll transport, which did"
              + " not load: "
              + Epoll.unavailabilityCause()
              + " (expected: Linux on x86_64)",
          Epoll.unavailabilityCause());
    }
    removeStaleSocket();
    int uid = ownUid();
    // this process's user and root may talk to it
    AdminAccess access =
        new AdminAccess(
            AdminAccess.Listener.SOCKET,
            Set.of(),
            uid == 0 ? Set.of(0) : Set.of(uid, 0),
            false,
            null);
    bind(
        new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class),
        new DomainSocketAddress(socketPath.toFile()),
        "admin socket " + socketPath,
        new AdminServerInitializer(
            "socket " + socketPath,
            routes,
            requestExecutor,
            connections,
            access,
            config.limits(),
            null));
    try {
      // bind leaves the mode to the umask; until this runs, the peer uid check alone keeps
      // strangers out
      Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new AdminStartException(
          "admin socket " + socketPath + " cannot be made private: " + e, e);
    }
    log.info("admin API listening on unix:{} (mode 0600; uid {} and root)", socketPath, uid);
  }

  private static int ownUid() {
    try {
      // /proc/self belongs to the process's effective uid
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      throw new AdminStartException("this process's uid cannot be read from /proc/self: " + e, e);
    }
  }

  private void removeStaleSocket() {
    if (!Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)) {
      createParent();
      return;
    }
    boolean socket;
    try {
      socket = "s".equals(fileType(socketPath));
    } catch (IOException e) {
      throw new AdminStartException("admin socket " + socketPath + " cannot be inspected: " + e, e);
    }
    if (!socket) {
      throw new AdminStartException(
          "admin socket "
              + socketPath
              + " exists and is not a socket"
              + " (expected: no file there, or a socket left by a stopped gateway)",
          null);
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socketPath));
      throw new AdminStartException(
          "admin socket "
              + socketPath
              + " is in use by another process"
              + " (expected: no gateway running with this socket; or choose another --admin-socket)",
          null);
    } catch (IOException e) {
      // nobody answers: a gateway that is gone left it behind
      try {
        Files.deleteIfExists(socketPath);
        log.info("admin socket {}: removed the stale socket of a stopped gateway", socketPath);
      } catch (IOException d) {
        throw new AdminStartException(
            "admin socket " + socketPath + ": stale, and cannot be removed: " + d, d);
      }
    }
  }

  private void createParent() {
    Path parent = socketPath.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      try {
        Files.createDirectories(
            parent,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new AdminStartException(
            "admin socket folder " + parent + " cannot be created: " + e, e);
      }
    }
  }

  private static String fileType(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0140000 ? "s" : "-";
  }

  private void bindTcp(AdminTcp tcp, AdminToken token) {
    AdminAccess access =
        new AdminAccess(
            AdminAccess.Listener.TCP, hostNames(tcp.address()), Set.of(), tcp.mutualTls(), token);
    String where = "admin address " + hostPort(tcp.address());
    Channel ch =
        bind(
            new ServerBootstrap()
                .group(group)
                .channel(tcpChannelClass)
                .childOption(ChannelOption.TCP_NODELAY, true),
            tcp.address(),
            where,
            new AdminServerInitializer(
                "TCP " + hostPort(tcp.address()),
                routes,
                requestExecutor,
                connections,
                access,
                config.limits(),
                tcp.mutualTls() ? tls : null));
    tcpAddress = (InetSocketAddress) ch.localAddress();
    log.info(
        "admin API listening on {}://{} ({})",
        tcp.mutualTls() ? "https" : "http",
        hostPort(tcpAddress),
        tcp.mutualTls() && token != null
            ? "admin certificate or bearer token"
            : tcp.mutualTls() ? "admin certificate" : "bearer token");
  }

  private Channel bind(
      ServerBootstrap b, SocketAddress address, String where, AdminServerInitializer initializer) {
    ChannelFuture bound = b.childHandler(initializer).bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      String message =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      if (message.contains("already in use")) {
        throw new AdminStartException(where + " is already in use (expected: a free port)", cause);
      }
      throw new AdminStartException(
          where
              + " cannot be bound: "
              + message
              + " (expected: a local address and a free port, or a folder the gateway may write)",
          cause);
    }
    serverChannels.add(bound.channel());
    return bound.channel();
  }

  /** The bound TCP admin address, or null when there is no TCP listener. */
  public synchronized InetSocketAddress tcpAddress() {
    return tcpAddress;
  }

  /** The admin socket (absolute). */
  public Path socketPath() {
    return socketPath;
  }

  /** Stops listening, closes every admin connection and the request thread. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Channel ch : serverChannels) {
      ch.close().syncUninterruptibly();
    }
    if (!serverChannels.isEmpty()) {
      log.info(
          "admin API on unix:{}{} closed",
          socketPath,
          tcpAddress == null ? "" : " and " + hostPort(tcpAddress));
    }
    connections.close().awaitUninterruptibly();
    stopRequestExecutor();
  }

  private void stopRequestExecutor() {
    if (requestExecutor == null) {
      return;
    }
    requestExecutor.shutdown();
    try {
      if (!requestExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("admin API: a request still runs after 5 s; not waiting for it");
        requestExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      requestExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The Host names a TCP listener answers to besides loopback: its address, or every local one for
   * a wildcard.
   */
  private static Set<String> hostNames(InetSocketAddress address) {
    Set<String> out = new HashSet<>();
    InetAddress a = address.getAddress();
    out.add(strip(a.getHostAddress()));
    if (a.isAnyLocalAddress()) {
      try {
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
          nif.inetAddresses().forEach(i -> out.add(strip(i.getHostAddress())));
        }
      } catch (SocketException e) {
        log.warn(
            "admin API: local addresses cannot be listed ({}); only loopback Host names are accepted",
            e.toString());
      }
    }
    return out;
  }

  private static String strip(String hostAddress) {
    return AdminAccess.canonicalHost(hostAddress);
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
