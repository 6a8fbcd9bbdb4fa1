package io.xclusterlink.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
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

  /**
   * Picocli asks every command for its version while it builds the model of the whole tree ({@code
   * --version} is inherited), so this is on every {@code xcl} start's path: it reads one manifest,
   * once. {@code xcl agent run} asks it only for {@code --version} ({@code
   * XclMain.agentCommandLine}).
   */
  @Override
  public String[] getVersion() {
    return new String[] {
      "xcl " + Built.VERSION,
      "java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
    };
  }

  /** The version in the manifest of the jar holding this class; "dev" when run from classes. */
  private static final class Built {
    static final String VERSION = read();

    /**
     * Reads the manifest of this jar only. {@code Package.getImplementationVersion()} gives the
     * same answer, but for a class mapped from the class data sharing archive it first opens every
     * jar on the class path (about 90, 0.1 s of CPU on each start).
     */
    private static String read() {
      try {
        CodeSource source = ShowVersionCommand.class.getProtectionDomain().getCodeSource();
        Path jar = source == null ? null : Path.of(source.getLocation().toURI());
        if (jar == null || !Files.isRegularFile(jar)) {
          return "dev";
        }
        try (JarFile file = new JarFile(jar.toFile(), false)) {
          Manifest manifest = file.getManifest();
          String version =
              manifest == null
                  ? null
                  : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
          return version == null ? "dev" : version;
        }
      } catch (IOException | URISyntaxException | RuntimeException e) {
        return "dev";
      }
    }
  }
}
