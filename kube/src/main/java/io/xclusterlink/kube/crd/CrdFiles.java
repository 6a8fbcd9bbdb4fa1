package io.xclusterlink.kube.crd;

import io.xclusterlink.api.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CRD files as committed under {@code deploy/crds/}: one {@code <plural>.xclusterlink.io.yaml}
 * per kind. {@link #main} writes them; the kube module's build runs it into {@code target/classes}
 * (so the CLI can ship them) and, with {@code -Pupdate-crds}, into {@code deploy/crds/}.
 */
public final class CrdFiles {
  /** The first line of every file: where it comes from and how to regenerate it. */
  public static final String HEADER =
      "# Generated from the api records by io.xclusterlink.kube.crd.CrdFiles: do not edit.\n"
          + "# Regenerate with: mvn -B -ntp -pl kube -am process-classes -Pupdate-crds\n";

  private CrdFiles() {}

  /** File name to content, for every kind, sorted by file name. */
  public static Map<String, String> render() {
    CrdGenerator generator = new CrdGenerator();
    Map<String, String> files = new TreeMap<>();
    for (Kind k : Kind.values()) {
      files.put(CrdGenerator.fileStem(k) + ".yaml", HEADER + generator.yaml(k));
    }
    return files;
  }

  /** Writes every file into {@code dir}, creating it; returns the number written. */
  public static int write(Path dir) {
    try {
      Files.createDirectories(dir);
      Map<String, String> files = render();
      for (Map.Entry<String, String> f : files.entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      }
      return files.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CRDs to " + dir, e);
    }
  }

  /** Usage: {@code CrdFiles DIR...}: writes the CRD files into each directory. */
  public static void main(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: CrdFiles DIR... (expected: an output directory)");
    }
    for (String dir : args) {
      write(Path.of(dir));
    }
  }
}
