package io.xclusterlink.cli.objects;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.cli.admin.AdminClients;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code xcl delete KIND NAME [-n NS]}: removes one object from the gateway's store. */
@Command(name = "delete", description = "Delete an object.")
public final class DeleteObjectCommand implements Callable<Integer> {
  @ParentCommand AdminClients main;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      converter = KindConverter.class,
      description =
          "peer, export, import, accesspolicy or privilegedaccesspolicy (singular or plural).")
  Kind kind;

  @Parameters(index = "1", paramLabel = "NAME", description = "The object's name.")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description =
          "Namespace of a namespaced kind (default: " + XclObject.DEFAULT_NAMESPACE + ").")
  String namespace;

  @Override
  public Integer call() {
    String ns =
        kind.namespaced() ? (namespace == null ? XclObject.DEFAULT_NAMESPACE : namespace) : null;
    main.adminClient().delete(kind, ns, name);
    PrintWriter out = spec.commandLine().getOut();
    out.println(new ObjectRef(kind.kindName(), ns, name) + " deleted");
    out.flush();
    return 0;
  }
}
