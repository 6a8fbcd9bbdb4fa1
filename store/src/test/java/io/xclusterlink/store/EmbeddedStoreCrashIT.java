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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Kills a writing process and checks that the state directory is still whole and every apply all or
 * nothing.
 */
class EmbeddedStoreCrashIT {
  private static final int KILLS = 3;
  private static final int BATCH = 3_500;
  private static final int RANDOM_KILLS = 6;

  @TempDir Path dir;
  @TempDir Path logs;

  @Test
  void opensWithOnlyCompleteObjectsAfterTheWriterIsKilled() throws Exception {
    for (int kill = 1; kill <= KILLS; kill++) {
      Path log = logs.resolve("writer-" + kill + ".log");
      Process writer = startWriter(log);
      try {
        // wait for a few hundred writes so that the kill lands in the middle of the stream
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
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

  /** Where a writer is stopped, and which generation a restart must then see. */
  private record Kill(String haltAt, Expect expect, boolean checkedBeforeNextRun) {
    static Kill halt(String at, Expect expect) {
      return new Kill(at, expect, true);
    }

    static Kill sigkill() {
      return new Kill(null, Expect.OLD_OR_LATER, true);
    }

    @Override
    public String toString() {
      return haltAt == null ? "SIGKILL" : "halt at " + haltAt;
    }
  }

  private enum Expect {
    PREVIOUS,
    NEXT,
    OLD_OR_LATER
  }

  /**
   * Halts a writer at chosen steps of an apply of {@value #BATCH} objects (before, inside and after
   * the intent record, early, midway and late in the renames, inside recovery) and kills it with
   * SIGKILL at random moments; after each, a restart must see every object of the batch at one
   * generation, the one before the interrupted apply or the one after it, and no leftover files.
   */
  @Test
  void seesAWholeApplyOrNoneOfItWhereverTheWriterIsKilled(
      @TempDir(factory = MemoryBackedTempDirs.class) Path stateDir) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<Kill> plan =
        new ArrayList<>(
            List.of(
                Kill.halt("TEMP_WRITTEN:1", Expect.PREVIOUS),
                Kill.halt("TEMP_WRITTEN:" + BATCH / 2, Expect.PREVIOUS),
                Kill.halt("TEMP_WRITTEN:" + BATCH, Expect.PREVIOUS),
                Kill.halt("INTENT_PART_WRITTEN:1", Expect.PREVIOUS),
                Kill.halt("INTENT_PART_WRITTEN:2", Expect.PREVIOUS),
                // written but not forced: a process kill keeps the page cache, so the record is
                // whole
                Kill.halt("INTENT_WRITTEN:0", Expect.NEXT),
                Kill.halt("COMMITTED:0", Expect.NEXT),
                Kill.halt("APPLIED:1", Expect.NEXT),
                // the next run finds this apply committed and is itself halted while it completes
                // it
                new Kill("APPLIED:382", Expect.NEXT, false),
                Kill.halt("RECOVERY_APPLIED:1000", Expect.NEXT),
                Kill.halt("APPLIED:1629", Expect.NEXT),
                Kill.halt("APPLIED:" + (BATCH - 1), Expect.NEXT),
                Kill.halt("APPLIED:" + BATCH, Expect.NEXT),
                Kill.halt("FOLDERS_FORCED:0", Expect.NEXT),
                Kill.halt("INTENT_REMOVED:0", Expect.NEXT)));
    for (int i = 0; i < RANDOM_KILLS; i++) {
      plan.add(Kill.sigkill());
    }

    // a first apply that completes, then a SIGKILL: every later kill interrupts a replacement
    Path firstLog = logs.resolve("apply-0.log");
    Process first = startApplyWriter(stateDir, firstLog, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !first.isAlive() || lines(firstLog, "opened ") > 0);
    long openedAt = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !first.isAlive() || lines(firstLog, "applied ") > 0);
    long applyMillis = Math.max(50, (System.nanoTime() - openedAt) / 1_000_000);
    assertThat(first.isAlive()).as("writer still running, see %s", firstLog).isTrue();
    first.destroyForcibly();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    int generation =
        checkWholeBatch(
            stateDir, -1, Expect.OLD_OR_LATER, "SIGKILL after an apply (seed " + seed + ")");
    assertThat(generation).isPositive();

    List<String> landed = new ArrayList<>();
    int expectedBase = generation;
    for (int run = 1; run <= plan.size(); run++) {
      Kill kill = plan.get(run - 1);
      Path log = logs.resolve("apply-" + run + ".log");
      Process writer = startApplyWriter(stateDir, log, kill.haltAt());
      if (kill.haltAt() == null) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> !writer.isAlive() || lines(log, "opened ") > 0);
        // not a synchronisation: the random moment of the kill is the point of the experiment
        assertThat(writer.waitFor(random.nextInt((int) (applyMillis * 2)), TimeUnit.MILLISECONDS))
            .as("writer exited before the kill, see %s", log)
            .isFalse();
        writer.destroyForcibly();
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        landed.add(lastLine(log));
      } else {
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("%s: writer halted", kill).isTrue();
        assertThat(writer.exitValue())
            .as("%s: exit code, see %s", kill, log)
            .isEqualTo(ApplyWriterMain.HALTED);
      }
      if (kill.checkedBeforeNextRun()) {
        generation =
            checkWholeBatch(
                stateDir,
                expectedBase,
                kill.expect(),
                "run " + run + ", " + kill + " (seed " + seed + ")");
        expectedBase = generation;
      }
    }
    System.out.printf(
        "%d kill points (%d halts, %d SIGKILLs, an apply takes ~%d ms); random kills landed at: %s%n",
        plan.size() + 1, plan.size() - RANDOM_KILLS, RANDOM_KILLS + 1, applyMillis, landed);
  }

  /** Opens the directory as a restarted gateway would and checks the batch is at one generation. */
  private static int checkWholeBatch(Path stateDir, int previous, Expect expect, String after)
      throws IOException {
    int generation;
    try (EmbeddedStore store = EmbeddedStore.open(stateDir)) {
      List<XclObject> batch = store.list(Kind.IMPORT, ApplyWriterMain.NAMESPACE);
      assertThat(batch).as("%s: objects of the batch", after).hasSize(BATCH);
      Set<String> generations =
          batch.stream()
              .map(o -> o.metadata().labels().get(ApplyWriterMain.LABEL))
              .collect(Collectors.toSet());
      assertThat(generations).as("%s: generations of the batch", after).hasSize(1);
      generation = Integer.parseInt(generations.iterator().next());
    }
    switch (expect) {
      case PREVIOUS -> assertThat(generation).as("%s: generation", after).isEqualTo(previous);
      case NEXT -> assertThat(generation).as("%s: generation", after).isEqualTo(previous + 1);
      case OLD_OR_LATER ->
          assertThat(generation).as("%s: generation", after).isGreaterThanOrEqualTo(previous);
    }
    assertThat(files(stateDir, ".tmp")).as("%s: temporary files", after).isEmpty();
    assertThat(stateDir.resolve(".intent")).as("%s: intent record", after).doesNotExist();
    return generation;
  }

  private static Process startApplyWriter(Path stateDir, Path log, String haltAt)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                // a short-lived writer: no optimising compiler and no parallel GC threads competing
                // for the cores
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                ApplyWriterMain.class.getName(),
                stateDir.toString(),
                String.valueOf(BATCH)));
    if (haltAt != null) {
      command.add(haltAt);
    }
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static long lines(Path log, String prefix) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.startsWith(prefix)).count();
    }
  }

  private static String lastLine(Path log) throws IOException {
    List<String> all = Files.readAllLines(log);
    return all.isEmpty() ? "(nothing)" : all.get(all.size() - 1);
  }

  private Process startWriter(Path log) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            StoreWriterMain.class.getName(),
            dir.toString())
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
    return files(dir, suffix);
  }

  private static List<Path> files(Path root, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .collect(Collectors.toList());
    } catch (UncheckedIOException e) {
      // a file vanished while we walked: the writer is busy, look again
      return files(root, suffix);
    }
  }

  /**
   * Temporary directories in memory (tmpfs) where the machine has one. A process kill keeps the
   * page cache, so it tests the same thing there as on a disk; and 3 500 fsyncs per apply on a
   * shared disk would make each kill point take seconds. What only a power cut tests (that the
   * fsyncs come in the right order) this test cannot check on any file system.
   */
  static final class MemoryBackedTempDirs implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "xcl-store-")
          : Files.createTempDirectory("xcl-store-");
    }
  }
}
