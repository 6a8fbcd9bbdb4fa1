package io.xclusterlink.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.EmbeddedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreEventDispatcherTest {
  @TempDir Path dir;
  private EmbeddedStore store;
  private StatusWriter status;
  private final ExecutorService controlThread = Executors.newSingleThreadExecutor();
  private final RecordingReconciler exports = new RecordingReconciler();
  private StoreEventDispatcher dispatcher;

  /** Records what it is asked to do; throws for an export on port 666. */
  static final class RecordingReconciler implements Reconciler {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void reconcile(XclObject object) {
      calls.add("reconcile " + object.metadata().name() + " " + object.metadata().generation());
      if (((Export) object).spec().port() == 666) {
        throw new IllegalStateException("port 666 is cursed");
      }
    }

    @Override
    public void remove(XclObject last) {
      calls.add("remove " + last.metadata().name());
    }

    @Override
    public String condition() {
      return Condition.EXPORT_VALID;
    }
  }

  @BeforeEach
  void start() {
    store = EmbeddedStore.open(dir);
    status = new StatusWriter(store, Leadership.ALWAYS);
    dispatcher = new StoreEventDispatcher(store, controlThread, status).route(Kind.EXPORT, exports);
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    controlThread.shutdownNow();
    status.close();
    store.close();
  }

  private static Export export(String name, int port) {
    return new Export(ObjectMeta.of(name, "prod"), new Export.Spec("127.0.0.1", port), null);
  }

  private void awaitCaughtUp() {
    assertThat(dispatcher.awaitCaughtUp(System.nanoTime() + Duration.ofSeconds(10).toNanos()))
        .isTrue();
    assertThat(status.flush(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void routesTheInitialObjectsThenSpecChangesButNotStatusOnlyChanges() {
    store.put(export("db", 5432));
    store.addListener(dispatcher);
    await().until(dispatcher::synced);
    ObjectKey key = export("db", 1).key();

    store.setStatus(key, Status.EMPTY.withCondition("ExportValid", true, "Set", "by someone"));
    store.put(export("web", 80));
    store.put(export("db", 5433));
    store.delete(export("web", 1).key());
    awaitCaughtUp();

    assertThat(exports.calls)
        .containsExactly("reconcile db 1", "reconcile web 1", "reconcile db 2", "remove web");
  }

  @Test
  void turnsAReconcileFailureIntoAConditionOfTheGenerationReconciled() {
    store.addListener(dispatcher);
    store.put(export("db", 5432));
    store.put(export("db", 666));
    awaitCaughtUp();

    Condition c =
        store
            .get(export("db", 1).key())
            .orElseThrow()
            .status()
            .condition("ExportValid")
            .orElseThrow();
    assertThat(c.isTrue()).isFalse();
    assertThat(c.reason()).isEqualTo("ReconcileFailed");
    assertThat(c.message()).isEqualTo("port 666 is cursed");
    assertThat(c.observedGeneration()).isEqualTo(2L);
    // its own status write did not bring the object back to the reconciler
    assertThat(exports.calls).containsExactly("reconcile db 1", "reconcile db 2");
  }

  @Test
  void catchesUpOnlyOnceEveryStoredChangeIsSeen() {
    store.addListener(dispatcher);
    for (int i = 0; i < 50; i++) {
      store.put(export("e" + (i % 5), 1000 + i));
    }
    store.delete(export("e0", 1).key());

    awaitCaughtUp();

    assertThat(dispatcher.caughtUp()).isTrue();
    assertThat(exports.calls).hasSize(50 + 1).last().isEqualTo("remove e0");
  }

  @Test
  void resyncReconcilesEveryObjectAgain() {
    store.put(export("a", 1));
    store.put(export("b", 2));
    store.addListener(dispatcher);
    awaitCaughtUp();

    dispatcher.resyncAll();

    await().until(() -> exports.calls.size() == 4);
    assertThat(exports.calls.subList(2, 4)).containsExactly("reconcile a 1", "reconcile b 1");
  }
}
