package io.xclusterlink.cli.gateway;

import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.admin.AdminLimits;
import io.xclusterlink.admin.AdminTcp;
import io.xclusterlink.admin.HealthServer;
import io.xclusterlink.gateway.Gateway;
import io.xclusterlink.gateway.GatewayParts;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.config.GatewayStartException;
import io.xclusterlink.kube.KubeConfig;
import io.xclusterlink.kube.KubeGatewayParts;
import io.xclusterlink.kube.broker.Broker;
import io.xclusterlink.kube.broker.BrokerConfig;
import io.xclusterlink.kube.leader.LeaderTimings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xcl gateway start}: builds the one {@link GatewayConfig} of the process from the options,
 * starts the gateway and runs in the foreground until SIGTERM or SIGINT, when a shutdown hook
 * closes it.
 */
@Command(
    name = "start",
    description = "Start a gateway for a peer and run it in the foreground until SIGTERM/Ctrl-C.")
public final class StartGatewayCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(StartGatewayCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--fabric",
      required = true,
      paramLabel = "FABRIC",
      description = "The fabric's name.")
  String fabric;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "PEER",
      description = "This peer's name (its certificate's DNS SAN).")
  String name;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".",
      description =
          "Folder that holds the fabric's folder; credentials are read from DIR/FABRIC/PEER.")
  Path dir;

  @Option(
      names = "--port",
      required = true,
      paramLabel = "PORT",
      converter = PortConverter.class,
      description = "The one gateway-to-gateway port (mTLS); 0 for any free port.")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "0.0.0.0",
      description = "Address of the gateway-to-gateway port (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--admin-socket",
      paramLabel = "PATH",
      description =
          "The admin API's Unix socket, mode 0600: only this user and root may use it"
              + " (default: STATE-DIR/admin.sock).")
  Path adminSocket;

  @Option(
      names = {"--admin-listen", "--admin", "--admin-address"},
      paramLabel = "HOST:PORT",
      converter = HostPortConverter.class,
      description =
          "Also serve the admin API on TCP; needs --admin-mtls and/or --admin-token-file,"
              + " and beyond loopback --admin-mtls (default: no TCP listener).")
  InetSocketAddress adminListen;

  @Option(
      names = "--admin-mtls",
      description =
          "The TCP admin listener speaks TLS with this peer's certificate and accepts admin"
              + " certificates of the fabric (`xcl admin-cert create`).")
  boolean adminMtls;

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description =
          "The TCP admin listener accepts `Authorization: Bearer TOKEN` with the token in FILE (mode 0600).")
  Path adminTokenFile;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "The embedded store's folder; objects survive restarts (required with --store"
              + " standalone; with --store kubernetes it holds only the admin socket, default"
              + " TMPDIR/xcl-PEER).")
  Path stateDir;

  @Option(
      names = "--store",
      paramLabel = "MODE",
      defaultValue = "standalone",
      converter = StoreMode.Converter.class,
      description =
          "Where objects live: standalone (the state folder) or kubernetes (the API server's"
              + " custom resources) (default: ${DEFAULT-VALUE}).")
  StoreMode store;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "With --store kubernetes: the kubeconfig (default: the pod's service account in a"
              + " cluster, else KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "With --store kubernetes: the kubeconfig context (default: its current one).")
  String context;

  @Option(
      names = "--watch-namespace",
      paramLabel = "NS",
      description =
          "With --store kubernetes: serve the objects of this namespace only (default: all"
              + " namespaces).")
  String watchNamespace;

  @Option(
      names = "--health-listen",
      paramLabel = "HOST:PORT",
      converter = HostPortConverter.class,
      description =
          "Plain HTTP for probes: GET /healthz (alive) and /readyz (store synced, ports bound),"
              + " nothing else (default: none).")
  InetSocketAddress healthListen;

  @Option(
      names = "--pod-name",
      hidden = true,
      defaultValue = "${env:POD_NAME}",
      description = "This replica's identity in the leader Lease (default: $POD_NAME).")
  String podName;

  @Option(
      names = "--pod-namespace",
      hidden = true,
      defaultValue = "${env:POD_NAMESPACE}",
      description = "The Lease's namespace without --watch-namespace (default: $POD_NAMESPACE).")
  String podNamespace;

  @Option(
      names = "--leader-lease",
      hidden = true,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long the leader Lease lasts (default: 10s).")
  Duration leaderLease;

  @Option(
      names = "--broker-kubeconfig",
      paramLabel = "FILE",
      description =
          "Find peers through a broker: the kubeconfig of its API server. This peer publishes its"
              + " gateway addresses there as a GatewayExIp and makes a Peer of every other's"
              + " (default: no broker).")
  Path brokerKubeconfig;

  @Option(
      names = "--broker-namespace",
      paramLabel = "NS",
      defaultValue = "xcl-broker",
      description = "The broker's namespace (default: ${DEFAULT-VALUE}).")
  String brokerNamespace;

  @Option(
      names = "--broker-external-ip",
      paramLabel = "IP",
      description =
          "An address other peers reach this gateway at, published through the broker"
              + " (repeatable; default: $POD_IP).")
  List<String> brokerExternalIps = new ArrayList<>();

  @Option(
      names = "--broker-port",
      paramLabel = "PORT",
      description =
          "The gateway port other peers dial, published through the broker (default: --port).")
  Integer brokerPort;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "A label of this peer, sent to other peers in heartbeats (repeatable).")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--import-address",
      paramLabel = "ADDRESS",
      description =
          "Address that import listeners bind to (default: 127.0.0.1; with --store kubernetes"
              + " 0.0.0.0, where the imports' Services reach them).")
  String importAddress;

  @Option(
      names = "--workloads",
      paramLabel = "FILE",
      description = "YAML file of client attributes by source CIDR.")
  Path workloads;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Heartbeat period while a peer is reachable (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--heartbeat-unreachable",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Heartbeat period while a peer is unreachable (default: ${DEFAULT-VALUE}).")
  Duration heartbeatUnreachable;

  @Option(names = "--jdk-tls", description = "Use the JDK's TLS instead of OpenSSL (BoringSSL).")
  boolean jdkTls;

  @Override
  public Integer call() throws InterruptedException {
    GatewayConfig config = config();
    if (!Files.isDirectory(config.credentialsDir())) {
      throw new GatewayStartException(
          "no credentials for peer "
              + name
              + " in "
              + config.credentialsDir()
              + " (create them with: xcl peer-cert create --fabric "
              + fabric
              + " --name "
              + name
              + " --dir "
              + dir
              + ")",
          null);
    }
    List<String> brokerIps = brokerAddresses();
    MDC.put("peer", name);
    AtomicReference<Gateway> running = new AtomicReference<>();
    HealthServer health =
        healthListen == null
            ? null
            : startHealth(
                () -> {
                  Gateway g = running.get();
                  return g != null && g.ready();
                });
    GatewayParts parts =
        store == StoreMode.KUBERNETES
            ? KubeGatewayParts.create(config, kubeConfig())
            : GatewayParts.standalone(config);
    Gateway gateway;
    try {
      gateway = new Gateway(config, parts).start();
    } catch (RuntimeException e) {
      if (health != null) {
        health.close();
      }
      throw e;
    }
    running.set(gateway);
    Broker broker;
    try {
      broker = startBroker(gateway, brokerIps);
    } catch (RuntimeException e) {
      gateway.close();
      if (health != null) {
        health.close();
      }
      throw e;
    }
    log.info(
        "gateway {} listening on {}, admin on unix:{}{}",
        name,
        hostPort(gateway.tunnelAddress()),
        gateway.adminSocket(),
        gateway.adminTcpAddress() == null ? "" : " and " + hostPort(gateway.adminTcpAddress()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("gateway {} stopping", name);
                  if (broker != null) {
                    broker.close();
                  }
                  gateway.close();
                  if (health != null) {
                    health.close();
                  }
                  stopped.countDown();
                },
                "xcl-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * With --broker-kubeconfig: publishes this peer's addresses and keeps broker-managed Peers of the
   * others in the gateway's store. Returns at once: a broker that is down delays discovery, not the
   * gateway.
   */
  private Broker startBroker(Gateway gateway, List<String> ips) {
    if (brokerKubeconfig == null) {
      return null;
    }
    int port = brokerPort != null ? brokerPort : gateway.tunnelAddress().getPort();
    Broker broker =
        Broker.fromKubeconfig(
            BrokerConfig.of(name, brokerNamespace, ips, port), brokerKubeconfig, gateway.store());
    log.info(
        "broker: publishing {} port {} as GatewayExIp {}/{}", ips, port, brokerNamespace, name);
    return broker.start();
  }

  /** The addresses to publish through the broker: checked before anything starts. */
  List<String> brokerAddresses() {
    if (brokerKubeconfig == null) {
      return List.of();
    }
    List<String> ips = new ArrayList<>(brokerExternalIps);
    String podIp = System.getenv("POD_IP");
    if (ips.isEmpty() && podIp != null && !podIp.isBlank()) {
      ips.add(podIp.trim());
    }
    if (ips.isEmpty()) {
      throw new GatewayStartException(
          "--broker-kubeconfig: no address to publish (expected --broker-external-ip IP, or"
              + " $POD_IP in a pod)",
          null);
    }
    if (!Files.isReadable(brokerKubeconfig)) {
      throw new GatewayStartException(
          "--broker-kubeconfig: "
              + brokerKubeconfig
              + " cannot be read (expected a kubeconfig file)",
          null);
    }
    return ips;
  }

  private HealthServer startHealth(java.util.function.BooleanSupplier ready) {
    try {
      return new HealthServer(healthListen, ready).start();
    } catch (IllegalStateException e) {
      throw new GatewayStartException(e.getMessage(), e);
    }
  }

  /** How the gateway reaches its API server (--store kubernetes). */
  KubeConfig kubeConfig() {
    LeaderTimings leader = LeaderTimings.DEFAULT;
    if (leaderLease != null) {
      leader =
          new LeaderTimings(
              leaderLease, leaderLease.multipliedBy(7).dividedBy(10), leaderLease.dividedBy(5));
    }
    return new KubeConfig(
        kubeconfig,
        context,
        blankToNull(watchNamespace),
        blankToNull(podName),
        blankToNull(podNamespace),
        leader);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** The gateway's configuration as the options describe it; validates what picocli cannot. */
  GatewayConfig config() {
    boolean kubernetes = store == StoreMode.KUBERNETES;
    if (!kubernetes && stateDir == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing required option: '--state-dir=DIR' (expected with --store standalone)");
    }
    if (!kubernetes && (kubeconfig != null || context != null || watchNamespace != null)) {
      throw new ParameterException(
          spec.commandLine(),
          (kubeconfig != null
                  ? "--kubeconfig"
                  : context != null ? "--context" : "--watch-namespace")
              + " without --store kubernetes (expected: --store kubernetes)");
    }
    Path stateDir =
        this.stateDir != null
            ? this.stateDir
            : Path.of(System.getProperty("java.io.tmpdir"), "xcl-" + name);
    String importAddress =
        this.importAddress != null ? this.importAddress : kubernetes ? "0.0.0.0" : "127.0.0.1";
    InetSocketAddress listen = new InetSocketAddress(bind, port);
    if (listen.isUnresolved()) {
      throw new ParameterException(
          spec.commandLine(),
          "--bind: '" + bind + "' (expected: an address of this host such as 0.0.0.0)");
    }
    for (String key : labels.keySet()) {
      if (key.isBlank()) {
        throw new ParameterException(
            spec.commandLine(), "--label: empty key (expected: KEY=VALUE)");
      }
    }
    if (adminListen == null && (adminMtls || adminTokenFile != null)) {
      throw new ParameterException(
          spec.commandLine(),
          (adminMtls ? "--admin-mtls" : "--admin-token-file")
              + " without --admin-listen (expected: --admin-listen HOST:PORT for a TCP admin listener)");
    }
    AdminConfig admin =
        new AdminConfig(
            adminSocket != null ? adminSocket : stateDir.resolve(AdminConfig.SOCKET_FILE),
            adminListen == null ? null : new AdminTcp(adminListen, adminMtls, adminTokenFile),
            AdminLimits.DEFAULT);
    Path credentials = dir.resolve(fabric).resolve(name);
    GatewayConfig defaults = GatewayConfig.defaults(name, credentials, listen, admin, stateDir);
    return defaults
        .withLabels(labels)
        .withImportAddress(importAddress)
        .withWorkloadsFile(workloads)
        .withHeartbeat(
            heartbeat,
            heartbeatUnreachable,
            defaults.failureThreshold(),
            defaults.successThreshold())
        .withPreferOpenSsl(!jdkTls);
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
