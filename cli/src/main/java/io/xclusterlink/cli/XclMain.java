package io.xclusterlink.cli;

import io.xclusterlink.cli.admin.AdminAddress;
import io.xclusterlink.cli.admin.AdminClient;
import io.xclusterlink.cli.admin.AdminClients;
import io.xclusterlink.cli.agent.AgentCommand;
import io.xclusterlink.cli.bench.RunBenchCommand;
import io.xclusterlink.cli.demo.DemoCommand;
import io.xclusterlink.cli.deploy.DeployCommand;
import io.xclusterlink.cli.gateway.GatewayCommand;
import io.xclusterlink.cli.group.CommandGroup;
import io.xclusterlink.cli.objects.ApplyObjectsCommand;
import io.xclusterlink.cli.objects.DeleteObjectCommand;
import io.xclusterlink.cli.objects.GetObjectsCommand;
import io.xclusterlink.cli.pki.AdminCertCommand;
import io.xclusterlink.cli.pki.FabricCommand;
import io.xclusterlink.cli.pki.PeerCertCommand;
import io.xclusterlink.cli.status.ShowStatusCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The root {@code xcl} command: global options (admin API address, verbosity), the subcommands
 * grouped by noun, and the process entry point.
 */
@Command(
    name = "xcl",
    mixinStandardHelpOptions = true,
    // --help and --version on every command: each usage error points to 'xcl ... --help'
    scope = ScopeType.INHERIT,
    versionProvider = ShowVersionCommand.class,
    description =
        "X-ClusterLink: connect services across clusters over mutually authenticated TLS.",
    subcommands = {
      FabricCommand.class,
      PeerCertCommand.class,
      AdminCertCommand.class,
      GatewayCommand.class,
      ApplyObjectsCommand.class,
      GetObjectsCommand.class,
      DeleteObjectCommand.class,
      ShowStatusCommand.class,
      DeployCommand.class,
      DemoCommand.class,
      RunBenchCommand.class,
      AgentCommand.class,
      ShowVersionCommand.class,
      HelpCommand.class
    })
public final class XclMain implements Callable<Integer>, AdminClients {
  @Spec CommandSpec spec;

  @Option(
      names = "--admin",
      paramLabel = "SOCKET|URL",
      defaultValue = AdminAddress.DEFAULT,
      converter = AdminAddressConverter.class,
      description =
          "Admin API of the gateway to manage: its socket (STATE-DIR/admin.sock, or unix:///abs/path),"
              + " or the URL of its TCP admin listener (default: ${DEFAULT-VALUE}).")
  AdminAddress admin;

  @Option(
      names = "--admin-cert",
      paramLabel = "DIR",
      description =
          "For an https:// admin URL: a folder with the fabric's ca.crt and an admin certificate"
              + " (tls.crt, tls.key) from `xcl admin-cert create`.")
  Path adminCert;

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description =
          "For a TCP admin URL: a file holding the bearer token of the gateway's --admin-token-file.")
  Path adminTokenFile;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error.")
  boolean verbose;

  /** A client of the gateway named by {@code --admin}. Does no I/O until a request is made. */
  @Override
  public AdminClient adminClient() {
    return new AdminClient(admin, adminCert, adminTokenFile);
  }

  boolean verbose() {
    return verbose;
  }

  @Override
  public Integer call() {
    throw CommandGroup.missingSubcommand(spec);
  }

  /** The command line with the exception handler installed; {@code main} and tests use it. */
  public static CommandLine commandLine() {
    XclMain main = new XclMain();
    XclExceptionHandler handler = new XclExceptionHandler(main::verbose);
    return new CommandLine(main)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(handler)
        .setParameterExceptionHandler(handler);
  }

  public static void main(String[] args) {
    nettyDefaults();
    if (isAgentRun(args)) {
      System.exit(agentCommandLine().execute(args));
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * Whether {@code args} run the L3 agent: {@code agent run ...}. Every node of a VPC starts one at
   * once, often on the same cores, and picocli's model of the whole tree (every command of every
   * noun, by reflection) is a large part of an agent's start-up CPU (docs/network-path.md, "cold
   * start"): {@link #agentCommandLine} models only what the agent needs.
   */
  static boolean isAgentRun(String[] args) {
    return args.length >= 2 && args[0].equals("agent") && args[1].equals("run");
  }

  /**
   * {@code xcl} with only the {@code agent} subtree and the root options it inherits: the same
   * names, usage, errors and exit codes as in the whole tree ({@code XclMainTest} compares them).
   */
  static CommandLine agentCommandLine() {
    AgentOnly root = new AgentOnly();
    XclExceptionHandler handler = new XclExceptionHandler(() -> root.verbose);
    CommandLine cl =
        new CommandLine(root)
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(handler)
            .setParameterExceptionHandler(handler);
    withVersionProvider(cl, new ShowVersionCommand());
    return cl;
  }

  /**
   * Gives {@code cl} and its subcommands {@code provider}, asked only when {@code --version} is:
   * declared on the root, it would be asked while picocli builds the model, to copy its answer into
   * every subcommand (a manifest read on every agent's start).
   */
  private static void withVersionProvider(CommandLine cl, CommandLine.IVersionProvider provider) {
    cl.getCommandSpec().versionProvider(provider);
    for (CommandLine sub : cl.getSubcommands().values()) {
      withVersionProvider(sub, provider);
    }
  }

  /** The root of {@link #agentCommandLine}: {@code --verbose} as the whole tree declares it. */
  @Command(
      name = "xcl",
      mixinStandardHelpOptions = true,
      scope = ScopeType.INHERIT,
      subcommands = AgentCommand.class)
  static final class AgentOnly {
    @Option(
        names = "--verbose",
        scope = ScopeType.INHERIT,
        description = "Print the stack trace of an error.")
    boolean verbose;
  }

  /**
   * Netty's buffer leak detector samples one buffer in 128 and records a stack trace at each of its
   * touches: a diagnostic, and 3–5 % of a gateway's CPU per byte relayed (bench/ab.sh, see
   * docs/performance.md). Off unless the operator asks for it with {@code
   * XCL_JAVA_OPTS=-Dio.netty.leakDetection.level=simple}; the test suite keeps Netty's default.
   * Must run before any Netty class is loaded.
   */
  static void nettyDefaults() {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
  }

  /**
   * Accepts a socket path, {@code unix:///abs/path}, {@code http(s)://host:port} or a bare {@code
   * host:port}.
   */
  static final class AdminAddressConverter implements ITypeConverter<AdminAddress> {
    @Override
    public AdminAddress convert(String value) {
      try {
        return AdminAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
