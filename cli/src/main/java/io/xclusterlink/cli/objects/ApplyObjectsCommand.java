package io.xclusterlink.cli.objects;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.cli.admin.AdminClients;
import io.xclusterlink.cli.admin.ApplyResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code xcl apply -f FILE}: sends a YAML stream to the gateway, which validates every document
 * first and stores all or none of them. Prints one line per object.
 */
@Command(
    name = "apply",
    description = "Create or update objects from a YAML file (all or nothing).")
public final class ApplyObjectsCommand implements Callable<Integer> {
  @ParentCommand AdminClients main;
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "YAML file with one or more documents, or - for stdin.")
  String file;

  @Override
  public Integer call() {
    String yaml = read(file);
    List<ApplyResult> results = main.adminClient().apply(yaml);
    if (results.isEmpty()) {
      throw new InvalidObjectException(
          displayName(file)
              + ": no objects (expected: YAML documents with apiVersion, kind, metadata, spec)");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (ApplyResult r : results) {
      ObjectRef ref = new ObjectRef(r.kind(), r.namespace(), r.name());
      out.println(ref + " " + r.result());
      // stored is not ready: one line saying why (the object stays stored; the gateway keeps
      // trying)
      if (r.object() != null) {
        notReady(r.object().status().conditions())
            .ifPresent(why -> err.println("warning: " + ref + " is stored but not ready: " + why));
      }
    }
    out.flush();
    err.flush();
    return 0;
  }

  /**
   * The failed conditions of a stored object, the first one's reason and message; reachability is
   * left out: it is observed over time (a new Peer has not been heartbeaten yet), not a verdict on
   * what was applied.
   */
  static Optional<String> notReady(List<Condition> conditions) {
    List<Condition> failed =
        conditions.stream()
            .filter(c -> !c.isTrue() && !Condition.PEER_REACHABLE.equals(c.type()))
            .toList();
    if (failed.isEmpty()) {
      return Optional.empty();
    }
    Condition first = failed.get(0);
    return Optional.of(
        failed.stream().map(c -> c.type() + "=" + c.status()).collect(Collectors.joining(", "))
            + (first.reason() == null ? "" : " (" + first.reason() + ")")
            + (first.message() == null ? "" : ": " + first.message()));
  }

  private static String read(String file) {
    try {
      if (file.equals("-")) {
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("cannot read " + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new UncheckedIOException("cannot read " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + displayName(file) + ": " + e.getMessage(), e);
    }
  }

  private static String displayName(String file) {
    return file.equals("-") ? "stdin" : file;
  }
}
