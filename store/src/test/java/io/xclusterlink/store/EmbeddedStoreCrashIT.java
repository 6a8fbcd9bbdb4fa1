package io.xclusterlink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing process with SIGKILL and checks that the state directory is still whole. */
class EmbeddedStoreCrashIT {
  private static final int KILLS = 3;

  @TempDir Path dir;
  @TempDir Path logs;

  @Test
  void opensWithOnlyCompleteObjectsAfterTheWriterIsKilled() throws Exception {
    for (int kill = 1; kill <= KILLS; kill++) {
      Path log = logs.resolve("writer-" + kill + ".log");
      Process writer = startWriter(log);
      try {
        // wait for a few hundred writes so that the kill lands in the middle of the stream
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
            .until(() -> !writer.isAlive() || progressLines(log) >= 3);
        assertThat(writer.isAlive()).as("writer still running when killed").isTrue();
        assertThat(objectFiles()).isNotEmpty();
        // a second gateway in another process is kept out by the lock
        assertThatThrownBy(() -> EmbeddedStore.open(dir))
            .isInstanceOf(StoreException.class)
            .hasMessageEndingWith(" is in use by another gateway");
      } finally {
        writer.destroyForcibly();
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }

      List<Path> files = objectFiles();
      try (EmbeddedStore store = EmbeddedStore.open(dir)) {
        for (Path file : files) {
          XclObject obj = ObjectCodec.readJson(Files.readString(file));
          assertThat(store.get(obj.key())).as("%s is loaded", file).contains(obj);
        }
        int loaded = 0;
        for (Kind k : Kind.values()) {
          loaded += store.list(k, null).size();
        }
        assertThat(loaded).isEqualTo(files.size());
        assertThat(tempFiles()).isEmpty();
      }
    }
  }

  private Process startWriter(Path log) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        StoreWriterMain.class.getName(), dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static long progressLines(Path log) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.startsWith("wrote ")).count();
    }
  }

  private List<Path> objectFiles() throws IOException {
    return files(".json");
  }

  private List<Path> tempFiles() throws IOException {
    return files(".tmp");
  }

  private List<Path> files(String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).collect(Collectors.toList());
    } catch (UncheckedIOException e) {
      // a file vanished while we walked: the writer is busy, look again
      return files(suffix);
    }
  }
}
