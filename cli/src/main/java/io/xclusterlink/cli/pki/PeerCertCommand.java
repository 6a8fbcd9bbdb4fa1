package io.xclusterlink.cli.pki;

import io.xclusterlink.cli.XclMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code xcl peer-cert ...}: the commands about a peer's certificate and key. */
@Command(
    name = "peer-cert",
    description = "Manage peer certificates (signed by the fabric CA; the peer's name is the DNS SAN).",
    subcommands = {CreatePeerCertCommand.class})
public final class PeerCertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw XclMain.missingSubcommand(spec);
  }
}
