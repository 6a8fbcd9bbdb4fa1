package io.xclusterlink.cli.pki;

import io.xclusterlink.pki.FabricCa;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xcl peer-cert create --fabric F --name P [--dir DIR]}: writes {@code DIR/F/P/ca.crt},
 * {@code tls.crt} and {@code tls.key}, signed by the fabric's CA.
 */
@Command(
    name = "create",
    description = "Create a peer's credentials: DIR/FABRIC/PEER/ca.crt, tls.crt and tls.key.")
public final class CreatePeerCertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--fabric",
      required = true,
      paramLabel = "FABRIC",
      description = "The fabric's name.")
  String fabric;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "PEER",
      description = "The peer's name; it becomes the certificate's DNS SAN.")
  String name;

  @Mixin CertificateOptions options;

  @Override
  public Integer call() {
    Path created = FabricCa.createPeer(options.dir, fabric, name, options.keyType);
    PrintWriter out = spec.commandLine().getOut();
    out.println("peer " + name + " of fabric " + fabric + " created: " + created);
    out.flush();
    return 0;
  }
}
