package io.xclusterlink.gateway;

import io.netty.channel.EventLoopGroup;
import io.xclusterlink.admin.AdminServer;
import io.xclusterlink.admin.Admission;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.config.GatewayStartException;
import io.xclusterlink.gateway.control.ControlPlane;
import io.xclusterlink.gateway.egress.WorkloadResolver;
import io.xclusterlink.gateway.ingress.IngressServer;
import io.xclusterlink.gateway.metrics.GatewayMetrics;
import io.xclusterlink.gateway.transport.Transport;
import io.xclusterlink.pki.PeerCredentials;
import io.xclusterlink.pki.PkiException;
import io.xclusterlink.pki.TlsContexts;
import io.xclusterlink.store.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway: control plane and data plane for one peer. Construction does no I/O; {@link
 * #start()} binds the tunnel and admin ports and throws {@link GatewayStartException} with a
 * one-line message when it cannot (port in use, bad credentials); {@link #close()} stops everything
 * in reverse order.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final GatewayParts parts;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private TlsContexts tls;
  private Store store;
  private IngressServer ingress;
  private AdminServer admin;
  private ControlPlane control;
  private GatewayMetrics metrics;
  private volatile boolean running;

  /** A standalone gateway: {@link GatewayParts#standalone} of {@code config}. */
  public Gateway(GatewayConfig config) {
    this(config, GatewayParts.standalone(config));
  }

  /** A gateway with the given store, admission and client attributes. Does no I/O. */
  public Gateway(GatewayConfig config, GatewayParts parts) {
    this.config = config;
    this.parts = parts;
  }

  public GatewayConfig config() {
    return config;
  }

  public Gateway start() {
    try {
      startParts();
    } catch (RuntimeException e) {
      close();
      if (e instanceof GatewayStartException g) {
        throw g;
      }
      throw new GatewayStartException(e.getMessage(), e);
    }
    log.info(
        "gateway {} started: peers connect to {}, admin API on unix:{}{}",
        config.peerName(),
        hostPort(ingress.address()),
        admin.socketPath(),
        admin.tcpAddress() == null ? "" : " and " + hostPort(admin.tcpAddress()));
    return this;
  }

  private void startParts() {
    try {
      tls =
          TlsContexts.load(PeerCredentials.inDir(config.credentialsDir()), config.preferOpenSsl());
    } catch (PkiException e) {
      throw new GatewayStartException(
          "credentials of peer " + config.peerName() + ": " + e.getMessage(), e);
    }
    started.push(tls);
    if (!tls.localPeerName().equals(config.peerName())) {
      throw new GatewayStartException(
          "certificate in "
              + config.credentialsDir()
              + " names '"
              + tls.localPeerName()
              + "' (expected: '"
              + config.peerName()
              + "')",
          null);
    }
    WorkloadResolver workloads = parts.workloads().get();
    createPrivateStateDir();
    store = parts.store().get();
    started.push(store);
    Admission admission = parts.admission().apply(store);
    Transport transport = Transport.choose(true);
    EventLoopGroup boss = transport.newGroup(1, "xcl-accept");
    started.push(
        () ->
            boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                .syncUninterruptibly());
    EventLoopGroup workers =
        transport.newGroup(Runtime.getRuntime().availableProcessors(), "xcl-io");
    started.push(
        () ->
            workers
                .shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                .syncUninterruptibly());
    metrics = new GatewayMetrics();
    Authorizer authorizer = new Authorizer(config.peerName(), config.labels());
    ingress =
        new IngressServer(
                config.listen(),
                tls,
                new IngressServer.IngressContext(
                    authorizer,
                    metrics,
                    transport,
                    config::labels,
                    config.limits(),
                    parts.backends()),
                boss,
                workers)
            .start();
    started.push(ingress);
    control =
        new ControlPlane(
            config,
            store,
            authorizer,
            tls,
            transport,
            boss,
            workers,
            workloads,
            metrics,
            parts.leadership());
    started.push(control);
    // after the store: its lock keeps a second gateway on this state folder away from the socket
    admin =
        new AdminServer(
            config.admin(),
            store,
            new Admission() {
              @Override
              public XclObject admit(XclObject incoming) {
                return admission.admit(incoming);
              }

              @Override
              public void settle() {
                admission.settle();
                settleApply();
              }
            },
            this::status,
            metrics::scrape,
            tls::adminServer,
            boss,
            transport.serverChannelClass());
    try {
      admin.start();
    } catch (RuntimeException e) {
      throw new GatewayStartException(e.getMessage(), e);
    }
    started.push(admin);
    control.start();
    tls.addReloadListener(
        () -> {
          log.info(
              "credentials of peer {} reloaded (generation {}): reconnecting to peers",
              config.peerName(),
              tls.generation());
          ingress.closeAllConnections();
          control.dropPeerConnections();
        });
    tls.startWatching(Duration.ofSeconds(1));
    running = true;
  }

  /**
   * Whether the gateway is ready to serve: started (its ports are bound) and its store holds the
   * initial state (an informer-backed store has listed every kind). For readiness probes.
   */
  public boolean ready() {
    Store s = store;
    return running && s != null && s.hasSynced();
  }

  /** A state folder this gateway creates is its user's alone (0700): it holds the admin socket. */
  private void createPrivateStateDir() {
    if (Files.isDirectory(config.stateDir())) {
      return;
    }
    try {
      Files.createDirectories(
          config.stateDir(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new GatewayStartException(
          "state folder " + config.stateDir() + " cannot be created: " + e, e);
    }
  }

  /** Waits until the control plane has reconciled an apply; a slow one only costs the status. */
  private void settleApply() {
    try {
      control.sync();
    } catch (RuntimeException e) {
      log.warn("apply answered before the control plane reconciled it: {}", e.getMessage());
    }
  }

  private Object status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("peer", config.peerName());
    out.put("labels", config.labels());
    out.put("gatewayAddress", hostPort(ingress.address()));
    out.put("tls", tls.provider());
    out.putAll(control.snapshot());
    out.put("counters", metrics.summary());
    return out;
  }

  /** The bound gateway-to-gateway address (useful when the config asked for port 0). */
  public InetSocketAddress tunnelAddress() {
    return ingress.address();
  }

  /** The admin API's Unix socket (absolute). */
  public Path adminSocket() {
    return admin.socketPath();
  }

  /** The bound TCP admin address, or null when the admin API has no TCP listener. */
  public InetSocketAddress adminTcpAddress() {
    return admin.tcpAddress();
  }

  /** The gateway port's server (tests: its pre-authentication counters). */
  public IngressServer ingressServer() {
    return ingress;
  }

  public Store store() {
    return store;
  }

  public ControlPlane controlPlane() {
    return control;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    running = false;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.warn("error while stopping gateway {}: {}", config.peerName(), e.toString());
      }
    }
  }

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
