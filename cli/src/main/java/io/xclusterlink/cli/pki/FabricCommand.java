package io.xclusterlink.cli.pki;

import io.xclusterlink.cli.XclMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code xcl fabric ...}: the commands about a fabric's root CA. */
@Command(
    name = "fabric",
    description = "Manage fabrics (a set of peers that share one root CA).",
    subcommands = {CreateFabricCommand.class})
public final class FabricCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw XclMain.missingSubcommand(spec);
  }
}
