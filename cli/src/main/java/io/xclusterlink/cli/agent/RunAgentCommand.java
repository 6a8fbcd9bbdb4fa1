package io.xclusterlink.cli.agent;

import io.xclusterlink.agent.config.AgentConfig;
import io.xclusterlink.agent.config.AgentConfigReader;
import io.xclusterlink.agent.config.ProbeConfig;
import io.xclusterlink.agent.netlink.NetlinkException;
import io.xclusterlink.agent.nft.NftException;
import io.xclusterlink.agent.objects.AdminSocketClient;
import io.xclusterlink.agent.objects.KernelModules;
import io.xclusterlink.agent.objects.MetricsSocket;
import io.xclusterlink.agent.objects.NodeIdentity;
import io.xclusterlink.agent.objects.ObjectAgent;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.run.Agent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xcl agent run --config FILE}: reads the one {@link AgentConfig}, then runs the {@link
 * Agent} on this thread; {@code xcl agent run --admin SOCKET --node NAME --vpc VPC ...} learns the
 * tunnel from the gateway's objects instead ({@link ObjectAgent}). Either way it runs — in this
 * process's network namespace (start it with {@code ip netns exec} to program another) — until
 * SIGTERM or SIGINT, when a shutdown hook stops it. The kernel state stays: traffic keeps flowing
 * while the agent restarts.
 */
@Command(
    name = "run",
    description =
        "Program this node's kernel for its VPC tunnel and keep it right (probes, failover) until"
            + " SIGTERM/Ctrl-C. Needs CAP_NET_ADMIN.")
public final class RunAgentCommand implements Callable<Integer> {
  /** The exit code of a refusal by the kernel or nft (XclExceptionHandler's EXIT_ERROR). */
  private static final int EXIT_ERROR = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The agent's YAML or JSON config: role, tunnel, probes (see docs/network-path.md)."
              + " Hand mode; else --admin.")
  Path config;

  @Option(
      names = "--admin",
      paramLabel = "SOCKET",
      description =
          "The gateway's admin socket: learn the tunnel from its VpcNatTunnel, Vpc and"
              + " GatewayExIp objects (and publish this node's GatewayExIp).")
  Path admin;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "This node's name (a gateway's name; default for a router: router).")
  String node;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      defaultValue = "gateway",
      description = "gateway (default) or router.")
  String role;

  @Option(names = "--vpc", paramLabel = "NAME", description = "The local Vpc this node serves.")
  String vpc;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      defaultValue = "default",
      description = "The namespace of the objects (default: default).")
  String namespace;

  @Option(
      names = "--tunnel",
      paramLabel = "NAME",
      description = "The VpcNatTunnel to serve (default: the only one of --vpc).")
  String tunnel;

  @Option(
      names = "--external-ip",
      paramLabel = "IP",
      description = "A gateway's underlay address (published).")
  String externalIp;

  @Option(
      names = "--tunnel-ip",
      paramLabel = "IP",
      description = "A gateway's overlay address, inside the tunnel's interfaceAddr (published).")
  String tunnelIp;

  @Option(
      names = "--transit-ip",
      paramLabel = "IP",
      description = "A gateway's address toward the VPC router (published).")
  String transitIp;

  @Option(
      names = "--underlay-device",
      paramLabel = "DEV",
      description = "A gateway's interface toward the underlay.")
  String underlayDevice;

  @Option(
      names = "--transit-device",
      paramLabel = "DEV",
      description = "The interface on the VPC's transit segment.")
  String transitDevice;

  @Option(
      names = "--poll-millis",
      paramLabel = "MS",
      defaultValue = "500",
      description = "How often the objects are read again (default: 500).")
  int pollMillis;

  @Option(
      names = "--metrics-socket",
      paramLabel = "PATH",
      description =
          "With --admin: serve Prometheus metrics (GET /metrics) on this Unix socket, mode 0600"
              + " (they are also pushed to the gateway's /metrics every 2 s).")
  Path metricsSocket;

  @Override
  public Integer call() {
    if ((config == null) == (admin == null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--config FILE or --admin SOCKET (expected: exactly one: a config file, or the objects"
              + " of a gateway)");
    }
    if (admin != null) {
      return runFromObjects();
    }
    AgentConfig cfg;
    try {
      cfg = AgentConfigReader.read(config);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Agent agent = new Agent(cfg);
    Thread hook = new Thread(agent::close, "xcl-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      agent.run();
      return 0;
    } catch (NetlinkException | NftException | IOException e) {
      // the kernel's or nft's refusal already names the object and the reason
      spec.commandLine().getErr().println("xcl: " + e.getMessage());
      return EXIT_ERROR;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running
      }
    }
  }

  private Integer runFromObjects() {
    NodeIdentity self;
    try {
      if (!role.equals("gateway") && !role.equals("router")) {
        throw new IllegalArgumentException("--role: " + role + " (expected: gateway or router)");
      }
      boolean router = role.equals("router");
      if (vpc == null) {
        throw new IllegalArgumentException("--vpc: missing (expected: the local Vpc's name)");
      }
      if (transitDevice == null) {
        throw new IllegalArgumentException(
            "--transit-device: missing (expected: the interface on the VPC's transit segment)");
      }
      String name = node != null ? node : router ? "router" : null;
      if (name == null) {
        throw new IllegalArgumentException("--node: missing (expected: this gateway's name)");
      }
      self =
          new NodeIdentity(
              router,
              name,
              namespace,
              vpc,
              tunnel,
              ip("--external-ip", externalIp),
              ip("--tunnel-ip", tunnelIp),
              ip("--transit-ip", transitIp),
              underlayDevice,
              transitDevice);
      if (pollMillis < 50 || pollMillis > 60_000) {
        throw new IllegalArgumentException(
            "--poll-millis: " + pollMillis + " (expected: 50-60000)");
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ObjectAgent agent =
        new ObjectAgent(
            self,
            new AdminSocketClient(admin),
            ProbeConfig.DEFAULTS,
            Duration.ofSeconds(1),
            Duration.ofMillis(pollMillis),
            KernelModules.system());
    MetricsSocket metrics = null;
    if (metricsSocket != null) {
      try {
        metrics = MetricsSocket.start(metricsSocket, () -> agent.metrics().render());
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--metrics-socket: " + metricsSocket + ": cannot listen (" + e.getMessage() + ")");
      }
    }
    Thread hook = new Thread(agent::close, "xcl-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      agent.run();
      return 0;
    } catch (NetlinkException e) {
      spec.commandLine().getErr().println("xcl: " + e.getMessage());
      return EXIT_ERROR;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_ERROR;
    } finally {
      if (metrics != null) {
        metrics.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running
      }
    }
  }

  private static Ipv4 ip(String flag, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Ipv4.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + text + " (expected: a.b.c.d, each 0-255)");
    }
  }
}
