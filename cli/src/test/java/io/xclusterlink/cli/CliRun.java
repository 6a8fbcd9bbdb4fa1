package io.xclusterlink.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs {@code xcl} in-process, as {@code main} would, capturing stdout, stderr and the exit code.
 */
public final class CliRun {
  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  private CliRun() {}

  public static Result run(String... args) {
    CommandLine cl = XclMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
