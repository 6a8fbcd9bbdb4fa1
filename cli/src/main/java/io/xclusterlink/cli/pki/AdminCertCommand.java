package io.xclusterlink.cli.pki;

import io.xclusterlink.cli.XclMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code xcl admin-cert ...}: the commands about an admin's client certificate. */
@Command(
    name = "admin-cert",
    description = "Manage admin certificates: client certificates of the fabric CA for a gateway's TCP admin listener.",
    subcommands = {CreateAdminCertCommand.class})
public final class AdminCertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw XclMain.missingSubcommand(spec);
  }
}
