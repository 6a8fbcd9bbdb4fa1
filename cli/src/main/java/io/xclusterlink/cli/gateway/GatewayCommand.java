package io.xclusterlink.cli.gateway;

import io.xclusterlink.cli.XclMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code xcl gateway ...}: the commands that run a gateway process. */
@Command(
    name = "gateway",
    description = "Run a gateway (the process that carries traffic for a peer).",
    subcommands = {StartGatewayCommand.class})
public final class GatewayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw XclMain.missingSubcommand(spec);
  }
}
