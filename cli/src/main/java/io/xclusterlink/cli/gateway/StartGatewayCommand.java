package io.xclusterlink.cli.gateway;

import io.xclusterlink.admin.AdminConfig;
import io.xclusterlink.admin.AdminLimits;
import io.xclusterlink.admin.AdminTcp;
import io.xclusterlink.gateway.Gateway;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.config.GatewayStartException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
      required = true,
      paramLabel = "DIR",
      description = "The embedded store's folder; objects survive restarts.")
  Path stateDir;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "A label of this peer, sent to other peers in heartbeats (repeatable).")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--import-address",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address that import listeners bind to (default: ${DEFAULT-VALUE}).")
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
    MDC.put("peer", name);
    Gateway gateway = new Gateway(config).start();
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
                  gateway.close();
                  stopped.countDown();
                },
                "xcl-shutdown"));
    stopped.await();
    return 0;
  }

  /** The gateway's configuration as the options describe it; validates what picocli cannot. */
  GatewayConfig config() {
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
