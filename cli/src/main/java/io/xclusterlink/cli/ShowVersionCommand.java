package io.xclusterlink.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code xcl version} (and {@code xcl --version}): the CLI's version and the Java runtime. */
@Command(name = "version", description = "Print the version of xcl and of the Java runtime.")
public final class ShowVersionCommand implements Callable<Integer>, IVersionProvider {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }

  @Override
  public String[] getVersion() {
    String version = XclMain.class.getPackage().getImplementationVersion();
    return new String[] {
      "xcl " + (version == null ? "dev" : version),
      "java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
    };
  }
}
