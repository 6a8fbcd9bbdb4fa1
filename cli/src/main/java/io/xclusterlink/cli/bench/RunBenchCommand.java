package io.xclusterlink.cli.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs {@code bench/run.sh} of the checkout this CLI was built from, passing its options on. */
@Command(
    name = "bench",
    description =
        "Run the side-by-side benchmark (bench/run.sh): direct vs X-ClusterLink vs HAProxy vs stunnel.",
    mixinStandardHelpOptions = true)
public final class RunBenchCommand implements Callable<Integer> {
  @Option(
      names = "--quick",
      description = "Smoke run: one repetition, short durations (under 3 minutes).")
  boolean quick;

  @Parameters(
      arity = "0..*",
      paramLabel = "ARG",
      description = "Further arguments for bench/run.sh.")
  List<String> extra = new ArrayList<>();

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path script = checkout().resolve("bench").resolve("run.sh");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(
          script + " not found (expected: xcl run from a checkout of the project)");
    }
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    if (quick) {
      cmd.add("--quick");
    }
    cmd.addAll(extra);
    return new ProcessBuilder(cmd).directory(checkout().toFile()).inheritIO().start().waitFor();
  }

  /** The checkout root: this jar lives at ROOT/cli/target/xcl.jar. */
  private static Path checkout() {
    try {
      Path jar =
          Path.of(
              RunBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.toAbsolutePath().getParent().getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the checkout of this xcl", e);
    }
  }
}
