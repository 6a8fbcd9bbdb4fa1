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
 * {@code xcl admin-cert create --fabric F --name NAME [--dir DIR]}: writes {@code
 * DIR/F/admins/NAME/ca.crt}, {@code tls.crt} and {@code tls.key}, an admin client certificate
 * signed by the fabric's CA.
 */
@Command(
    name = "create",
    description =
        "Create an admin's client credentials: DIR/FABRIC/admins/NAME/ca.crt, tls.crt and tls.key"
            + " (use the folder with `xcl --admin-cert`).")
public final class CreateAdminCertCommand implements Callable<Integer> {
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
      paramLabel = "NAME",
      description = "The admin's name; it becomes the URI SAN urn:xclusterlink:admin:NAME.")
  String name;

  @Mixin CertificateOptions options;

  @Override
  public Integer call() {
    Path created = FabricCa.createAdmin(options.dir, fabric, name, options.keyType);
    PrintWriter out = spec.commandLine().getOut();
    out.println("admin " + name + " of fabric " + fabric + " created: " + created);
    out.flush();
    return 0;
  }
}
