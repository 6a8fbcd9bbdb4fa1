package io.xclusterlink.store;

import static io.xclusterlink.store.EmbeddedStoreTest.plain;
import static io.xclusterlink.store.SampleObjects.export;
import static io.xclusterlink.store.SampleObjects.importOf;
import static io.xclusterlink.store.SampleObjects.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract shared with the Kubernetes store: resourceVersion, generation, conflicts,
 * persisted status, and listeners fed asynchronously in commit order.
 */
class EmbeddedStoreVersionsTest {
  @TempDir Path dir;
  private final List<EmbeddedStore> opened = new ArrayList<>();

  @AfterEach
  void closeStores() {
    opened.forEach(EmbeddedStore::close);
  }

  private EmbeddedStore open() {
    EmbeddedStore s = EmbeddedStore.open(dir);
    opened.add(s);
    return s;
  }

  private static final Status REACHABLE =
      Status.EMPTY.withCondition(Condition.PEER_REACHABLE, true, "Heartbeat", "answered");

  private static XclObject withVersion(XclObject obj, String resourceVersion) {
    return obj.withMetadata(obj.metadata().withVersions(resourceVersion, null));
  }

  private static String rv(XclObject obj) {
    return obj.metadata().resourceVersion();
  }

  @Test
  void stampsEveryWriteWithAVersionAndCountsGenerationsOfSpecAndLabelsOnly() {
    EmbeddedStore store = open();
    ObjectKey key = peer("west", 1).key();

    XclObject created = store.put(peer("west", 8443)).object();
    store.setStatus(key, REACHABLE);
    XclObject afterStatus = store.get(key).orElseThrow();
    XclObject unchanged = store.put(peer("west", 8443)).object();
    XclObject relabelled =
        store
            .put(
                peer("west", 8443).withMetadata(new ObjectMeta("west", null, Map.of("zone", "us"))))
            .object();
    XclObject respecced = store.put(relabelledPeer(8444)).object();

    assertThat(created.metadata().resourceVersion()).isEqualTo("1");
    assertThat(created.metadata().generation()).isEqualTo(1L);
    assertThat(rv(afterStatus)).isEqualTo("2");
    assertThat(afterStatus.metadata().generation()).isEqualTo(1L);
    assertThat(unchanged).isEqualTo(afterStatus);
    assertThat(rv(relabelled)).isEqualTo("3");
    assertThat(relabelled.metadata().generation()).isEqualTo(2L);
    assertThat(rv(respecced)).isEqualTo("4");
    assertThat(respecced.metadata().generation()).isEqualTo(3L);
    assertThat(respecced.status()).isEqualTo(REACHABLE);
  }

  private static XclObject relabelledPeer(int port) {
    return peer("west", port).withMetadata(new ObjectMeta("west", null, Map.of("zone", "us")));
  }

  @Test
  void ignoresVersionsTheCallerSetsWhenComparingAndStamping() {
    EmbeddedStore store = open();
    XclObject created = store.put(importOf("prod", "db", 5432)).object();

    PutResult again =
        store.put(
            importOf("prod", "db", 5432)
                .withMetadata(ObjectMeta.of("db", "prod").withVersions(rv(created), 99L)));

    assertThat(again.outcome()).isEqualTo(PutResult.Outcome.UNCHANGED);
    assertThat(again.object()).isEqualTo(created);
    assertThat(again.object().metadata().generation()).isEqualTo(1L);
  }

  @Test
  void keepsTheVersionCounterGoingAcrossReopenEvenAfterTheHighestObjectIsDeleted() {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.put(importOf("prod", "a", 1));
      store.put(importOf("prod", "b", 1));
      store.put(importOf("prod", "c", 1));
      store.delete(importOf("prod", "c", 1).key());
    }

    EmbeddedStore store = open();
    XclObject next = store.put(importOf("prod", "d", 1)).object();

    assertThat(Long.parseLong(rv(next))).isGreaterThan(3L);
    assertThat(rv(store.get(importOf("prod", "a", 1).key()).orElseThrow())).isEqualTo("1");
  }

  @Test
  void refusesAStaleResourceVersionAndWritesNothing() throws IOException {
    EmbeddedStore store = open();
    XclObject first = store.put(importOf("prod", "db", 5432)).object();
    store.put(importOf("prod", "db", 5433));
    Path file = dir.resolve("imports/prod/db.json");
    String onDisk = Files.readString(file);

    assertThatThrownBy(() -> store.put(withVersion(importOf("prod", "db", 5434), rv(first))))
        .isInstanceOf(StoreConflictException.class)
        .hasMessage(
            "Import prod/db: metadata.resourceVersion 1 is stale (stored: 2); read the object"
                + " again and retry");

    assertThat(((Import) store.get(first.key()).orElseThrow()).spec().port()).isEqualTo(5433);
    assertThat(Files.readString(file)).isEqualTo(onDisk);
  }

  @Test
  void refusesAResourceVersionForAnObjectThatDoesNotExist() {
    EmbeddedStore store = open();

    assertThatThrownBy(() -> store.put(withVersion(importOf("prod", "db", 5432), "7")))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("(stored: none)");
    assertThat(store.list(Kind.IMPORT, null)).isEmpty();
  }

  @Test
  void writesWhenTheResourceVersionIsTheStoredOne() {
    EmbeddedStore store = open();
    XclObject first = store.put(importOf("prod", "db", 5432)).object();
    store.setStatus(first.key(), REACHABLE);
    XclObject current = store.get(first.key()).orElseThrow();

    PutResult result = store.put(withVersion(importOf("prod", "db", 5433), rv(current)));

    assertThat(result.outcome()).isEqualTo(PutResult.Outcome.CONFIGURED);
    assertThat(rv(result.object())).isEqualTo("3");
    assertThat(result.object().metadata().generation()).isEqualTo(2L);
  }

  @Test
  void putAllChecksEveryVersionBeforeWritingAnything() throws IOException {
    EmbeddedStore store = open();
    store.put(importOf("prod", "b", 1));
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    store.addListener(events::add);
    await().until(() -> events.size() == 1);

    assertThatThrownBy(
            () ->
                store.putAll(
                    List.of(
                        importOf("prod", "a", 1),
                        export("prod", "a", 1),
                        withVersion(importOf("prod", "b", 2), "5"))))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageStartingWith("Import prod/b: metadata.resourceVersion 5 is stale");

    assertThat(store.list(Kind.IMPORT, null))
        .extracting(o -> o.metadata().name())
        .containsExactly("b");
    assertThat(store.list(Kind.EXPORT, null)).isEmpty();
    assertThat(dir.resolve("imports/prod/a.json")).doesNotExist();
    assertThat(dir.resolve("exports")).doesNotExist();
    // the next write's event follows the initial one directly: the refused batch fired nothing
    store.put(importOf("prod", "c", 1));
    await().until(() -> events.size() == 2);
    assertThat(events.get(1).object().metadata().name()).isEqualTo("c");
  }

  @Test
  void putAllSeesItsOwnEarlierWritesWhenCheckingVersions() {
    EmbeddedStore store = open();
    XclObject stored = store.put(importOf("prod", "a", 1)).object();

    // the first write moves the version on, so the second one, carrying the old one, conflicts
    assertThatThrownBy(
            () ->
                store.putAll(
                    List.of(
                        withVersion(importOf("prod", "a", 2), rv(stored)),
                        withVersion(importOf("prod", "a", 3), rv(stored)))))
        .isInstanceOf(StoreConflictException.class);

    assertThat(store.get(stored.key())).contains(stored);
  }

  @Test
  void persistsStatusWithANewVersionAndTheSameGenerationAndFiresModified() {
    ObjectKey key = peer("west", 1).key();
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.put(peer("west", 8443));
      store.addListener(events::add);

      assertThat(store.setStatus(key, REACHABLE)).isTrue();
      assertThat(store.setStatus(key, REACHABLE)).isTrue();

      await().until(() -> events.size() == 2);
      StoreEvent status = events.get(1);
      assertThat(status.type()).isEqualTo(EventType.MODIFIED);
      assertThat(status.object().status()).isEqualTo(REACHABLE);
      assertThat(rv(status.object())).isEqualTo("2");
      assertThat(status.object().metadata().generation()).isEqualTo(1L);
      assertThat(store.get(key)).contains(status.object());
    }

    EmbeddedStore reopened = open();

    assertThat(reopened.get(key).orElseThrow()).isEqualTo(events.get(1).object());
  }

  @Test
  void writesSeveralStatusesAsOneCommitAndSkipsMissingOrEqualOnes() throws IOException {
    ObjectKey a = importOf("prod", "a", 1).key();
    ObjectKey b = importOf("prod", "b", 1).key();
    ObjectKey c = importOf("prod", "c", 1).key();
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.putAll(
          List.of(importOf("prod", "a", 1), importOf("prod", "b", 1), importOf("prod", "c", 1)));
      store.setStatus(c, REACHABLE);
      store.addListener(events::add);
      Map<ObjectKey, Status> statuses = new java.util.LinkedHashMap<>();
      statuses.put(a, REACHABLE);
      statuses.put(peer("gone", 1).key(), REACHABLE);
      statuses.put(b, REACHABLE);
      statuses.put(c, REACHABLE);

      store.setStatusAll(statuses);

      await().until(() -> events.size() == 3 + 2);
      assertThat(events.subList(3, 5))
          .extracting(e -> e.type() + " " + e.object().key() + " " + rv(e.object()))
          .containsExactly("MODIFIED Import prod/a 5", "MODIFIED Import prod/b 6");
      assertThat(rv(store.get(c).orElseThrow())).isEqualTo("4");
      assertThat(store.get(peer("gone", 1).key())).isEmpty();
      assertThat(dir.resolve(".intent")).doesNotExist();
    }

    EmbeddedStore reopened = open();

    for (ObjectKey k : List.of(a, b, c)) {
      assertThat(reopened.get(k).orElseThrow().status()).isEqualTo(REACHABLE);
      assertThat(reopened.get(k).orElseThrow().metadata().generation()).isEqualTo(1L);
    }
  }

  @Test
  void anEqualStatusWritesNothing() throws IOException {
    EmbeddedStore store = open();
    ObjectKey key = peer("west", 1).key();
    store.put(peer("west", 8443));
    store.setStatus(key, REACHABLE);
    XclObject before = store.get(key).orElseThrow();
    Path file = dir.resolve("peers/_cluster/west.json");
    String onDisk = Files.readString(file);

    store.setStatus(key, REACHABLE);

    assertThat(store.get(key)).contains(before);
    assertThat(Files.readString(file)).isEqualTo(onDisk);
  }

  @Test
  void loadsObjectsWrittenBeforeVersionsWithVersionsAfterEveryStoredOne() throws IOException {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.put(importOf("prod", "a", 1));
      store.put(importOf("prod", "a", 2));
    }
    Path old = dir.resolve("imports/prod/old.json");
    Files.writeString(old, ObjectCodec.toJson(importOf("prod", "old", 1)));

    EmbeddedStore store = open();

    XclObject loaded = store.get(importOf("prod", "old", 1).key()).orElseThrow();
    assertThat(rv(loaded)).isEqualTo("3");
    assertThat(loaded.metadata().generation()).isEqualTo(1L);
    assertThat(plain(loaded)).isEqualTo(importOf("prod", "old", 1));
    assertThat(rv(store.put(importOf("prod", "b", 1)).object())).isEqualTo("4");
  }

  @Test
  void feedsANewListenerTheInitialObjectsThenSyncedThenLiveEventsInCommitOrder() {
    EmbeddedStore store = open();
    store.put(importOf("prod", "a", 1));
    store.put(peer("west", 8443));
    List<String> seen = new CopyOnWriteArrayList<>();
    Thread writer = Thread.currentThread();
    List<Thread> threads = new CopyOnWriteArrayList<>();

    store.addListener(
        new StoreListener() {
          @Override
          public void onEvent(StoreEvent event) {
            threads.add(Thread.currentThread());
            seen.add(event.type() + " " + event.object().key() + " " + rv(event.object()));
          }

          @Override
          public void onSynced() {
            seen.add("synced");
          }
        });
    for (int i = 0; i < 20; i++) {
      store.put(importOf("prod", "a", 2 + i));
    }
    store.setStatus(peer("west", 1).key(), REACHABLE);
    store.delete(peer("west", 1).key());

    assertThat(store.hasSynced()).isTrue();
    await().until(() -> seen.size() == 2 + 1 + 20 + 2);
    assertThat(seen.subList(0, 3))
        .containsExactly("ADDED Peer west 2", "ADDED Import prod/a 1", "synced");
    for (int i = 0; i < 20; i++) {
      assertThat(seen.get(3 + i)).isEqualTo("MODIFIED Import prod/a " + (3 + i));
    }
    assertThat(seen.subList(23, 25))
        .containsExactly("MODIFIED Peer west 23", "DELETED Peer west 23");
    assertThat(threads).doesNotContain(writer);
    assertThat(threads.stream().distinct()).hasSize(1);
  }

  @Test
  void aListenerThatBlocksHoldsUpNeitherWritersNorOtherListeners() throws InterruptedException {
    EmbeddedStore store = open();
    CountDownLatch release = new CountDownLatch(1);
    List<StoreEvent> slow = new CopyOnWriteArrayList<>();
    List<StoreEvent> fast = new CopyOnWriteArrayList<>();
    store.addListener(
        e -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
          slow.add(e);
        });
    store.addListener(fast::add);

    for (int i = 0; i < 30; i++) {
      assertThat(store.put(importOf("prod", "db-" + i, 1)).outcome())
          .isEqualTo(PutResult.Outcome.CREATED);
    }

    await().until(() -> fast.size() == 30);
    assertThat(slow).isEmpty();
    release.countDown();
    await().until(() -> slow.size() == 30);
    assertThat(slow).containsExactlyElementsOf(fast);
  }
}
