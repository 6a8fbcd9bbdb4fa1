package io.xclusterlink.gateway.config;

import io.xclusterlink.admin.AdminConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a gateway process is told at start, parsed once (by the CLI) and immutable.
 *
 * @param peerName this peer's name; must equal the DNS SAN of its certificate
 * @param credentialsDir the peer's credentials folder {@code DIR/FABRIC/PEER} (ca.crt, tls.crt,
 *     tls.key), watched for replacement
 * @param listen the one gateway-to-gateway port (mTLS)
 * @param admin where the admin REST API listens: its Unix socket (by default {@code
 *     <stateDir>/admin.sock}) and an optional authenticated TCP listener
 * @param stateDir the embedded store's state folder
 * @param labels this peer's labels, sent to other peers in heartbeat answers
 * @param importAddress the address import listeners bind to
 * @param workloadsFile optional YAML file of CIDR → client labels (standalone client attributes)
 * @param heartbeatInterval heartbeat period while a peer is reachable
 * @param heartbeatIntervalUnreachable heartbeat period while a peer is not reachable
 * @param failureThreshold consecutive failures that flip a peer to unreachable
 * @param successThreshold consecutive successes that flip it back
 * @param preferOpenSsl use BoringSSL when available (JDK TLS otherwise)
 * @param limits what strangers and misbehaving peers may cost the gateway port
 */
public record GatewayConfig(
    String peerName,
    Path credentialsDir,
    InetSocketAddress listen,
    AdminConfig admin,
    Path stateDir,
    Map<String, String> labels,
    String importAddress,
    Path workloadsFile,
    Duration heartbeatInterval,
    Duration heartbeatIntervalUnreachable,
    int failureThreshold,
    int successThreshold,
    boolean preferOpenSsl,
    GatewayLimits limits) {

  public GatewayConfig {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    limits = limits == null ? GatewayLimits.defaults() : limits;
    admin = admin == null && stateDir != null ? AdminConfig.inStateDir(stateDir) : admin;
  }

  /**
   * The defaults of semantics.md: 1 s / 10 s heartbeats, 5 failures down, 3 successes up; {@code
   * admin} null for the admin socket in the state folder only.
   */
  public static GatewayConfig defaults(
      String peerName,
      Path credentialsDir,
      InetSocketAddress listen,
      AdminConfig admin,
      Path stateDir) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        admin,
        stateDir,
        Map.of(),
        "127.0.0.1",
        null,
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        5,
        3,
        true,
        GatewayLimits.defaults());
  }

  public GatewayConfig withPeerName(String p) {
    return new GatewayConfig(
        p,
        credentialsDir,
        listen,
        admin,
        stateDir,
        labels,
        importAddress,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        limits);
  }

  public GatewayConfig withListen(InetSocketAddress l) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        l,
        admin,
        stateDir,
        labels,
        importAddress,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        limits);
  }

  /** Another state folder; an admin socket in the old one moves along. */
  public GatewayConfig withStateDir(Path d) {
    AdminConfig a =
        admin != null
                && stateDir != null
                && admin.socket().equals(stateDir.resolve(AdminConfig.SOCKET_FILE))
            ? new AdminConfig(d.resolve(AdminConfig.SOCKET_FILE), admin.tcp(), admin.limits())
            : admin;
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        a,
        d,
        labels,
        importAddress,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        limits);
  }

  public GatewayConfig withAdmin(AdminConfig a) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        a,
        stateDir,
        labels,
        importAddress,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        limits);
  }

  public GatewayConfig withLabels(Map<String, String> l) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        admin,
        stateDir,
        l,
        importAddress,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        limits);
  }

  public GatewayConfig withHeartbeat(
      Duration reachable, Duration unreachable, int failures, int successes) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        admin,
        stateDir,
        labels,
        importAddress,
        workloadsFile,
        reachable,
        unreachable,
        failures,
        successes,
        preferOpenSsl,
        limits);
  }

  public GatewayConfig withImportAddress(String a) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        admin,
        stateDir,
        labels,
        a,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        limits);
  }

  public GatewayConfig withWorkloadsFile(Path f) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        admin,
        stateDir,
        labels,
        importAddress,
        f,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        limits);
  }

  public GatewayConfig withPreferOpenSsl(boolean p) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        admin,
        stateDir,
        labels,
        importAddress,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        p,
        limits);
  }

  public GatewayConfig withLimits(GatewayLimits l) {
    return new GatewayConfig(
        peerName,
        credentialsDir,
        listen,
        admin,
        stateDir,
        labels,
        importAddress,
        workloadsFile,
        heartbeatInterval,
        heartbeatIntervalUnreachable,
        failureThreshold,
        successThreshold,
        preferOpenSsl,
        l);
  }
}
