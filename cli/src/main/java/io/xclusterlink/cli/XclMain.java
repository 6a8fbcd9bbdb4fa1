package io.xclusterlink.cli;

import io.xclusterlink.cli.bench.RunBenchCommand;
import io.xclusterlink.cli.demo.DemoCommand;
import io.xclusterlink.cli.admin.AdminClient;
import io.xclusterlink.cli.gateway.GatewayCommand;
import io.xclusterlink.cli.objects.ApplyObjectsCommand;
import io.xclusterlink.cli.objects.DeleteObjectCommand;
import io.xclusterlink.cli.objects.GetObjectsCommand;
import io.xclusterlink.cli.pki.FabricCommand;
import io.xclusterlink.cli.pki.PeerCertCommand;
import io.xclusterlink.cli.status.ShowStatusCommand;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
    versionProvider = ShowVersionCommand.class,
    description = "X-ClusterLink: connect services across clusters over mutually authenticated TLS.",
    subcommands = {
      FabricCommand.class,
      PeerCertCommand.class,
      GatewayCommand.class,
      ApplyObjectsCommand.class,
      GetObjectsCommand.class,
      DeleteObjectCommand.class,
      ShowStatusCommand.class,
      DemoCommand.class,
      RunBenchCommand.class,
      ShowVersionCommand.class,
      HelpCommand.class
    })
public final class XclMain implements Callable<Integer> {
  /** The admin API address the client commands talk to unless told otherwise. */
  public static final String DEFAULT_ADMIN_URL = "http://127.0.0.1:9443";

  @Spec CommandSpec spec;

  @Option(
      names = "--admin",
      paramLabel = "URL",
      defaultValue = DEFAULT_ADMIN_URL,
      converter = AdminUrlConverter.class,
      description = "Admin REST API of the gateway to manage (default: ${DEFAULT-VALUE}).")
  URI adminUrl;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error.")
  boolean verbose;

  /** A client of the gateway named by {@code --admin}. Does no I/O until a request is made. */
  public AdminClient adminClient() {
    return new AdminClient(adminUrl);
  }

  boolean verbose() {
    return verbose;
  }

  @Override
  public Integer call() {
    throw missingSubcommand(spec);
  }

  /** The usage error of a command group run without one of its subcommands. */
  public static ParameterException missingSubcommand(CommandSpec group) {
    return new ParameterException(
        group.commandLine(),
        "missing command (expected one of: "
            + String.join(", ", group.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList())
            + ")");
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
    System.exit(commandLine().execute(args));
  }

  /**
   * Netty's buffer leak detector samples one buffer in 128 and records a stack trace at each of
   * its touches: a diagnostic, and 3–5 % of a gateway's CPU per byte relayed (bench/ab.sh, see
   * docs/performance.md). Off unless the operator asks for it with
   * {@code XCL_JAVA_OPTS=-Dio.netty.leakDetection.level=simple}; the test suite keeps Netty's
   * default. Must run before any Netty class is loaded.
   */
  static void nettyDefaults() {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
  }

  /** Accepts {@code http://host:port}, {@code https://...}, or a bare {@code host:port}. */
  static final class AdminUrlConverter implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      String text = value.trim();
      if (!text.contains("://")) {
        text = "http://" + text;
      }
      while (text.endsWith("/")) {
        text = text.substring(0, text.length() - 1);
      }
      URI uri;
      try {
        uri = URI.create(text);
      } catch (IllegalArgumentException e) {
        throw invalid(value);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || (uri.getPath() != null && !uri.getPath().isEmpty())
          || uri.getQuery() != null) {
        throw invalid(value);
      }
      return uri;
    }

    private static TypeConversionException invalid(String value) {
      return new TypeConversionException(
          "'" + value + "' (expected: a URL such as " + DEFAULT_ADMIN_URL + ")");
    }
  }
}
