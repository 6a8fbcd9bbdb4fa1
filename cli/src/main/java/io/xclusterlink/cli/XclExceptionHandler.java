package io.xclusterlink.cli;

import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.cli.admin.AdminException;
import io.xclusterlink.gateway.config.GatewayStartException;
import io.xclusterlink.pki.PkiException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where exceptions become what a user sees: one line {@code xcl: <message>} on stderr
 * and an exit code ({@value #EXIT_ERROR} for errors from the gateway, validation or the file
 * system, {@value #EXIT_USAGE} for usage errors). The stack trace is printed only with {@code
 * --verbose}.
 */
final class XclExceptionHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
  static final int EXIT_ERROR = 1;
  static final int EXIT_USAGE = 2;

  private final BooleanSupplier verbose;

  XclExceptionHandler(BooleanSupplier verbose) {
    this.verbose = verbose;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(
        "xcl: "
            + firstLine(ex.getMessage())
            + " (see '"
            + cmd.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return EXIT_USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    if (ex instanceof ParameterException p) {
      return handleParseException(p, parseResult.originalArgs().toArray(new String[0]));
    }
    PrintWriter err = cmd.getErr();
    boolean trace = verbose.getAsBoolean();
    err.println("xcl: " + message(ex, trace));
    if (trace) {
      printTrace(err, ex);
    }
    err.flush();
    return EXIT_ERROR;
  }

  /** The one-line message for an exception; unexpected ones name their type. */
  static String message(Throwable e, boolean verbose) {
    if (e instanceof AdminException
        || e instanceof InvalidObjectException
        || e instanceof PkiException
        || e instanceof GatewayStartException) {
      return firstLine(e.getMessage());
    }
    if (e instanceof UncheckedIOException io && io.getCause() != null) {
      return firstLine(io.getMessage());
    }
    String text =
        e.getMessage() == null
            ? e.getClass().getName()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    String hint = verbose ? "" : " (run with --verbose for details)";
    return "internal error: " + firstLine(text) + hint;
  }

  private static void printTrace(PrintWriter err, Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    String prefix = "";
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      err.println(prefix + t);
      for (StackTraceElement element : t.getStackTrace()) {
        err.println("\tat " + element);
      }
      prefix = "Caused by: ";
    }
  }

  private static String firstLine(String s) {
    if (s == null || s.isBlank()) {
      return "unknown error";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
