package io.xclusterlink.cli.objects;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.cli.admin.AdminClient;
import io.xclusterlink.cli.admin.AdminClients;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code xcl get KIND [NAME] [-n NS | -A] [-o table|yaml|json]}: lists objects of a kind, or shows
 * one. YAML output is a multi-document stream that {@code xcl apply} accepts back.
 */
@Command(name = "get", description = "List objects of a kind, or show one.")
public final class GetObjectsCommand implements Callable<Integer> {
  @ParentCommand AdminClients main;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      converter = KindConverter.class,
      description =
          "peer, export, import, accesspolicy or privilegedaccesspolicy (singular or plural).")
  Kind kind;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NAME",
      description = "Show only this object.")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description =
          "Namespace of a namespaced kind (default: " + XclObject.DEFAULT_NAMESPACE + ").")
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "List the objects of every namespace.")
  boolean allNamespaces;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table, yaml or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  public Integer call() {
    if (allNamespaces && namespace != null) {
      throw new ParameterException(spec.commandLine(), "-n and -A cannot be used together");
    }
    if (allNamespaces && name != null) {
      throw new ParameterException(spec.commandLine(), "-A cannot be used with a NAME");
    }
    String ns = null;
    if (kind.namespaced() && !allNamespaces) {
      ns = namespace == null ? XclObject.DEFAULT_NAMESPACE : namespace;
    }
    AdminClient admin = main.adminClient();
    List<XclObject> objects =
        name == null ? admin.list(kind, ns) : List.of(admin.get(kind, ns, name));
    print(objects, ns);
    return 0;
  }

  private void print(List<XclObject> objects, String ns) {
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case YAML:
        out.print(ObjectCodec.toYaml(objects));
        break;
      case JSON:
        Object json = name != null ? objects.get(0) : itemList(objects);
        out.println(ObjectCodec.toJson(json));
        break;
      case TABLE:
      default:
        if (objects.isEmpty()) {
          PrintWriter err = spec.commandLine().getErr();
          String where = ns == null ? " in any namespace" : " in namespace " + ns;
          err.println("no " + kind.plural() + (kind.namespaced() ? where : ""));
          err.flush();
        } else {
          ObjectTable.of(kind, objects).print(out);
        }
        break;
    }
    out.flush();
  }

  private static ObjectNode itemList(List<XclObject> objects) {
    ObjectNode list = ObjectCodec.json().createObjectNode();
    ArrayNode items = list.putArray("items");
    for (XclObject o : objects) {
      items.add(ObjectCodec.toTree(o));
    }
    return list;
  }
}
