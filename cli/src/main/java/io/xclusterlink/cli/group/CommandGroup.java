package io.xclusterlink.cli.group;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code xcl gateway}, {@code xcl fabric} ...): run alone,
 * it is a usage error that names them.
 */
public abstract class CommandGroup implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Override
  public Integer call() {
    throw missingSubcommand(spec);
  }

  /** The usage error of a command group run without one of its subcommands. */
  public static ParameterException missingSubcommand(CommandSpec group) {
    return new ParameterException(
        group.commandLine(),
        "missing command (expected one of: "
            + String.join(
                ", ", group.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList())
            + ")");
  }
}
