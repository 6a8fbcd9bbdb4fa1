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
 * {@code xcl fabric create --name F [--dir DIR]}: writes {@code DIR/F/ca.crt} and {@code ca.key}.
 */
@Command(name = "create", description = "Create a fabric's root CA: DIR/FABRIC/ca.crt and ca.key.")
public final class CreateFabricCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "FABRIC",
      description = "The fabric's name.")
  String name;

  @Mixin CertificateOptions options;

  @Override
  public Integer call() {
    Path created = FabricCa.createFabric(options.dir, name, options.keyType);
    PrintWriter out = spec.commandLine().getOut();
    out.println("fabric " + name + " created: " + created);
    out.flush();
    return 0;
  }
}
