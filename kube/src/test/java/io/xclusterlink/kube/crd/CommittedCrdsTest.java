package io.xclusterlink.kube.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under {@code deploy/crds/} are exactly what the generator makes from today's
 * api records: a record changed without regenerating (or a hand edit) fails here, in CI.
 */
class CommittedCrdsTest {
  private static final Path COMMITTED = Path.of("..", "deploy", "crds");
  private static final String FIX =
      " (regenerate: mvn -B -ntp -pl kube -am process-classes -Pupdate-crds)";

  @Test
  void committedCrdsAreWhatTheGeneratorMakes() throws IOException {
    Map<String, String> generated = CrdFiles.render();

    for (Map.Entry<String, String> f : generated.entrySet()) {
      Path committed = COMMITTED.resolve(f.getKey());
      assertThat(committed).as("deploy/crds/" + f.getKey() + " is missing" + FIX).exists();
      assertThat(Files.readString(committed, StandardCharsets.UTF_8))
          .as("deploy/crds/" + f.getKey() + " differs from the generated CRD" + FIX)
          .isEqualTo(f.getValue());
    }
  }

  @Test
  void noCommittedCrdIsLeftOverFromARemovedKind() throws IOException {
    Set<String> committed;
    try (Stream<Path> files = Files.list(COMMITTED)) {
      committed =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .collect(Collectors.toCollection(TreeSet::new));
    }

    assertThat(committed).as("deploy/crds" + FIX).isEqualTo(CrdFiles.render().keySet());
  }

  @Test
  void theBuildShipsTheSameCrdsOnTheClasspath() throws IOException {
    for (Map.Entry<String, String> f : CrdFiles.render().entrySet()) {
      try (var in = getClass().getResourceAsStream("/deploy/crds/" + f.getKey())) {
        assertThat(in).as("classpath deploy/crds/" + f.getKey()).isNotNull();
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(f.getValue());
      }
    }
  }
}
