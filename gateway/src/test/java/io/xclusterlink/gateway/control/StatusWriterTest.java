package io.xclusterlink.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import io.xclusterlink.store.EmbeddedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusWriterTest {
  @TempDir Path dir;
  private GatedStore store;
  private StatusWriter writer;
  private final AtomicBoolean leader = new AtomicBoolean(true);
  private ObjectKey key;

  @BeforeEach
  void open() {
    store = new GatedStore(EmbeddedStore.open(dir));
    key =
        store
            .put(new Export(ObjectMeta.of("db", "prod"), new Export.Spec("127.0.0.1", 5432), null))
            .object()
            .key();
    writer =
        new StatusWriter(
            store,
            new Leadership() {
              @Override
              public boolean isLeader() {
                return leader.get();
              }

              @Override
              public void onChange(Runnable callback) {}
            });
  }

  @AfterEach
  void close() {
    writer.close();
    store.close();
  }

  private static Status valid(Status s, int n) {
    return s.withCondition(Condition.EXPORT_VALID, true, "BackendSet", "round " + n, (long) n);
  }

  @Test
  void coalescesChangesOfOneSlotQueuedWhileTheStoreIsBusy() {
    store.closeGate();
    writer.update(key, Condition.EXPORT_VALID, s -> valid(s, 0));
    await().until(() -> store.waiting() == 1);

    // the writer is held inside the store: these return at once and fold into one write
    for (int i = 1; i <= 100; i++) {
      int n = i;
      writer.update(key, Condition.EXPORT_VALID, s -> valid(s, n));
    }
    store.open();

    assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(store.statusWrites()).isEqualTo(2);
    Condition c = store.get(key).orElseThrow().status().condition("ExportValid").orElseThrow();
    assertThat(c.message()).isEqualTo("round 100");
    assertThat(c.observedGeneration()).isEqualTo(100L);
  }

  @Test
  void appliesTheSlotsOfOneObjectInTheOrderTheyLastChanged() {
    store.closeGate();
    writer.update(key, "first", s -> s.withCondition("Y", true, "First", "first"));
    await().until(() -> store.waiting() == 1);
    writer.update(key, "a", s -> s.withCondition("X", true, "FromA", "a"));
    writer.update(key, "b", s -> s.withCondition("X", false, "FromB", "b"));
    writer.update(key, "a", s -> s.withCondition("X", true, "FromA", "a again"));
    store.open();

    assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(store.get(key).orElseThrow().status().condition("X").orElseThrow().message())
        .isEqualTo("a again");
  }

  @Test
  void writesNothingWhileNotTheLeader() {
    leader.set(false);

    writer.update(key, Condition.EXPORT_VALID, s -> valid(s, 1));

    assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(store.statusWrites()).isZero();
    assertThat(store.get(key).orElseThrow().status()).isEqualTo(Status.EMPTY);
    leader.set(true);
    writer.update(key, Condition.EXPORT_VALID, s -> valid(s, 2));
    assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(store.get(key).orElseThrow().status().condition("ExportValid")).isPresent();
  }

  @Test
  void anEqualStatusIsNotWritten() {
    writer.update(key, Condition.EXPORT_VALID, s -> valid(s, 1));
    assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
    String version = store.get(key).orElseThrow().metadata().resourceVersion();

    writer.update(key, Condition.EXPORT_VALID, s -> valid(s, 1));

    assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(store.statusWrites()).isEqualTo(1);
    assertThat(store.get(key).orElseThrow().metadata().resourceVersion()).isEqualTo(version);
  }
}
