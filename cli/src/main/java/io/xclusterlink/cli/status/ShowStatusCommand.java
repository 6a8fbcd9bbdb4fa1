package io.xclusterlink.cli.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.cli.admin.AdminClients;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code xcl status [-o table|json]}: are peers reachable, which imports listen where, counters.
 */
@Command(name = "status", description = "Show the gateway's peers, imports, exports and counters.")
public final class ShowStatusCommand implements Callable<Integer> {
  /** The formats of the status output. */
  enum Format {
    TABLE,
    JSON
  }

  @ParentCommand AdminClients main;
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  Format output;

  @Override
  public Integer call() throws JsonProcessingException {
    JsonNode status = main.adminClient().status();
    PrintWriter out = spec.commandLine().getOut();
    if (output == Format.JSON) {
      out.println(ObjectCodec.json().writerWithDefaultPrettyPrinter().writeValueAsString(status));
    } else {
      out.print(StatusView.render(status));
    }
    out.flush();
    return 0;
  }
}
