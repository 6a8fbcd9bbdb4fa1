package io.xclusterlink.store;

import static io.xclusterlink.store.SampleObjects.allowAll;
import static io.xclusterlink.store.SampleObjects.export;
import static io.xclusterlink.store.SampleObjects.importOf;
import static io.xclusterlink.store.SampleObjects.peer;
import static io.xclusterlink.store.SampleObjects.privilegedAllowAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreTest {
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

  private static Status reachable() {
    return REACHABLE;
  }

  @Test
  void keepsEveryKindAcrossReopen() {
    List<XclObject> all =
        List.of(
            peer("west", 8443),
            export("prod", "db", 5432),
            importOf("prod", "db", 5432),
            allowAll("prod", "allow-all"),
            privilegedAllowAll("allow-everything"));
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      all.forEach(store::put);
    }

    EmbeddedStore reopened = open();

    for (XclObject o : all) {
      assertThat(reopened.get(o.key()).map(EmbeddedStoreTest::plain)).contains(o);
    }
    assertThat(plain(reopened.list(Kind.PEER, null))).containsExactly(all.get(0));
  }

  @Test
  void writesOneJsonFilePerObjectWithItsStatusAndVersions() throws IOException {
    EmbeddedStore store = open();
    store.put(peer("west", 8443));
    store.put(importOf("prod", "db", 5432));
    store.setStatus(peer("west", 8443).key(), reachable());

    Path peerFile = dir.resolve("peers/_cluster/west.json");
    Path importFile = dir.resolve("imports/prod/db.json");
    XclObject peerOnDisk = ObjectCodec.readJson(Files.readString(peerFile));
    assertThat(peerOnDisk).isEqualTo(store.get(peerOnDisk.key()).orElseThrow());
    assertThat(peerOnDisk.status()).isEqualTo(reachable());
    assertThat(peerOnDisk.metadata().resourceVersion()).isEqualTo("3");
    assertThat(peerOnDisk.metadata().generation()).isEqualTo(1L);
    assertThat(plain(ObjectCodec.readJson(Files.readString(importFile))))
        .isEqualTo(importOf("prod", "db", 5432));
    assertThat(Files.readString(peerFile)).startsWith("{\n  \"apiVersion\"");
  }

  @Test
  void reportsCreatedConfiguredAndUnchanged() {
    EmbeddedStore store = open();
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    store.addListener(events::add);

    PutResult created = store.put(importOf("prod", "db", 5432));
    PutResult unchanged = store.put(importOf("prod", "db", 5432));
    PutResult configured = store.put(importOf("prod", "db", 5433));

    assertThat(created.outcome()).isEqualTo(PutResult.Outcome.CREATED);
    assertThat(unchanged.outcome()).isEqualTo(PutResult.Outcome.UNCHANGED);
    assertThat(plain(unchanged.object())).isEqualTo(importOf("prod", "db", 5432));
    assertThat(unchanged.object()).isEqualTo(created.object());
    assertThat(configured.outcome()).isEqualTo(PutResult.Outcome.CONFIGURED);
    assertThat(plain(configured.object())).isEqualTo(importOf("prod", "db", 5433));
    await().until(() -> events.size() == 2);
    assertThat(events)
        .extracting(StoreEvent::type)
        .containsExactly(EventType.ADDED, EventType.MODIFIED);
  }

  @Test
  void treatsAnObjectWithADifferentStatusAsUnchanged() {
    EmbeddedStore store = open();
    store.put(peer("west", 8443));

    PutResult again = store.put(peer("west", 8443).withStatus(reachable()));

    assertThat(again.outcome()).isEqualTo(PutResult.Outcome.UNCHANGED);
    assertThat(store.get(peer("west", 1).key()).orElseThrow().status()).isEqualTo(Status.EMPTY);
  }

  @Test
  void replaysExistingObjectsToANewListenerBeforeLiveEvents() {
    EmbeddedStore store = open();
    store.put(importOf("prod", "db", 5432));
    store.put(peer("west", 8443));
    List<String> seen = new CopyOnWriteArrayList<>();

    store.addListener(e -> seen.add(e.type() + " " + e.object().key()));
    store.put(export("default", "web", 80));
    store.delete(peer("west", 8443).key());

    await().until(() -> seen.size() == 4);
    assertThat(seen)
        .containsExactly(
            "ADDED Peer west",
            "ADDED Import prod/db",
            "ADDED Export default/web",
            "DELETED Peer west");
  }

  @Test
  void firesEventsOfPutAllInCommitOrderAfterTheFilesExist() {
    EmbeddedStore store = open();
    List<String> seen = new CopyOnWriteArrayList<>();
    store.addListener(
        e -> {
          Path file =
              dir.resolve(e.object().kind().plural())
                  .resolve("prod")
                  .resolve(e.object().metadata().name() + ".json");
          seen.add(e.type() + " " + e.object().metadata().name() + " " + Files.exists(file));
        });

    List<PutResult> results =
        store.putAll(
            List.of(
                importOf("prod", "b", 1),
                importOf("prod", "a", 2),
                importOf("prod", "b", 3),
                importOf("prod", "a", 2)));

    assertThat(results)
        .extracting(PutResult::outcome)
        .containsExactly(
            PutResult.Outcome.CREATED,
            PutResult.Outcome.CREATED,
            PutResult.Outcome.CONFIGURED,
            PutResult.Outcome.UNCHANGED);
    await().until(() -> seen.size() == 3);
    assertThat(seen).containsExactly("ADDED b true", "ADDED a true", "MODIFIED b true");
    assertThat(store.get(importOf("prod", "b", 0).key()).map(EmbeddedStoreTest::plain))
        .contains(importOf("prod", "b", 3));
  }

  @Test
  void keepsStatusAcrossPutAndAcrossReopen() {
    ObjectKey key = importOf("prod", "db", 1).key();
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.put(importOf("prod", "db", 5432));
      List<StoreEvent> events = new CopyOnWriteArrayList<>();
      store.addListener(events::add);
      await().until(() -> events.size() == 1);

      assertThat(store.setStatus(key, reachable())).isTrue();
      PutResult result = store.put(importOf("prod", "db", 5433));

      assertThat(result.object().status()).isEqualTo(reachable());
      assertThat(store.get(key).orElseThrow().status()).isEqualTo(reachable());
      await().until(() -> events.size() == 3);
      assertThat(events.get(1).type()).isEqualTo(EventType.MODIFIED);
      assertThat(events.get(1).object().status()).isEqualTo(reachable());
      assertThat(events.get(2).object().status()).isEqualTo(reachable());
    }

    EmbeddedStore reopened = open();

    assertThat(reopened.get(key).orElseThrow().status()).isEqualTo(reachable());
    assertThat(((Import) reopened.get(key).orElseThrow()).spec().port()).isEqualTo(5433);
  }

  @Test
  void setStatusOfAMissingObjectReturnsFalse() {
    EmbeddedStore store = open();

    assertThat(store.setStatus(peer("west", 1).key(), reachable())).isFalse();
    assertThat(store.get(peer("west", 1).key())).isEmpty();
  }

  @Test
  void deleteFiresDeletedWithTheLastObjectAndRemovesTheFile() {
    EmbeddedStore store = open();
    store.put(importOf("prod", "db", 5432));
    ObjectKey key = importOf("prod", "db", 1).key();
    store.setStatus(key, reachable());
    XclObject last = store.get(key).orElseThrow();
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    store.addListener(events::add);

    assertThat(store.delete(key)).isTrue();
    assertThat(store.delete(key)).isFalse();

    await().until(() -> events.size() == 2);
    assertThat(events)
        .extracting(StoreEvent::type)
        .containsExactly(EventType.ADDED, EventType.DELETED);
    assertThat(events.get(1).object()).isEqualTo(last);
    assertThat(plain(last)).isEqualTo(importOf("prod", "db", 5432).withStatus(reachable()));
    assertThat(dir.resolve("imports/prod/db.json")).doesNotExist();
    store.close();
    assertThat(open().get(key)).isEmpty();
  }

  @Test
  void listsOneKindSortedByNamespaceThenName() {
    EmbeddedStore store = open();
    store.put(importOf("prod", "b", 1));
    store.put(importOf("dev", "z", 1));
    store.put(importOf("prod", "a", 1));
    store.put(export("prod", "a", 1));

    assertThat(store.list(Kind.IMPORT, null))
        .extracting(o -> o.key().toString())
        .containsExactly("Import dev/z", "Import prod/a", "Import prod/b");
    assertThat(store.list(Kind.IMPORT, "prod"))
        .extracting(o -> o.key().toString())
        .containsExactly("Import prod/a", "Import prod/b");
    assertThat(store.list(Kind.IMPORT, "nowhere")).isEmpty();
  }

  @Test
  void putsNamespacedObjectsWithoutNamespaceInTheDefaultOne() {
    EmbeddedStore store = open();

    store.put(new Import(new ObjectMeta("web", null, null), importOf("x", "web", 80).spec(), null));

    assertThat(store.get(new ObjectKey(Kind.IMPORT, "default", "web"))).isPresent();
    assertThat(store.get(new ObjectKey(Kind.IMPORT, null, "web"))).isPresent();
    assertThat(dir.resolve("imports/default/web.json")).exists();
  }

  @Test
  void refusesNamesThatWouldLeaveTheStateDirectory() {
    EmbeddedStore store = open();

    assertThatThrownBy(() -> store.put(importOf("prod", "../../etc", 1)))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageContaining("metadata.name: '../../etc'");
    assertThat(store.list(Kind.IMPORT, null)).isEmpty();
  }

  @Test
  void refusesASecondOpenOfTheSameDirectory() {
    open();

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "state directory "
                + dir.toAbsolutePath().normalize()
                + " is in use by another gateway");
  }

  @Test
  void releasesTheDirectoryOnClose() {
    open().close();

    EmbeddedStore again = open();

    assertThat(again.directory()).isEqualTo(dir.toAbsolutePath().normalize());
  }

  @Test
  void refusesWritesAfterClose() {
    EmbeddedStore store = open();
    store.close();

    assertThatThrownBy(() -> store.put(peer("west", 1)))
        .isInstanceOf(StoreException.class)
        .hasMessageEndingWith(" is closed");
  }

  @Test
  void removesLeftoverTempFilesOnOpen() throws IOException {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.put(importOf("prod", "db", 5432));
    }
    Path leftover = dir.resolve("imports/prod/db.json.123456.tmp");
    Files.writeString(leftover, "{\"apiVersion\": \"xclusterlink.io/v1al");

    EmbeddedStore store = open();

    assertThat(leftover).doesNotExist();
    assertThat(plain(store.list(Kind.IMPORT, null))).containsExactly(importOf("prod", "db", 5432));
  }

  @Test
  void refusesToOpenWhenAFileDoesNotParse() throws IOException {
    Path file = dir.resolve("peers/_cluster/west.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, "{\"apiVersion\": \"xclusterlink.io/v1alpha1\", \"kind\": \"Peer\", \"metad");

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            file.toAbsolutePath() + " does not hold a valid object: not valid JSON: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    // the lock was released: after a fix the gateway can start
    Files.delete(file);
    assertThat(open().list(Kind.PEER, null)).isEmpty();
  }

  @Test
  void refusesToOpenWhenAFileHoldsAnotherObject() throws IOException {
    Path file = dir.resolve("peers/_cluster/west.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, ObjectCodec.toJson(peer("east", 8443)), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessage(file.toAbsolutePath() + " holds Peer east (expected: Peer west)");
  }

  @Test
  void aFailingListenerDoesNotStopTheOthersNorTheWrite() {
    EmbeddedStore store = open();
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    store.addListener(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    store.addListener(events::add);

    PutResult result = store.put(peer("west", 8443));
    PutResult next = store.put(peer("west", 8444));

    assertThat(result.outcome()).isEqualTo(PutResult.Outcome.CREATED);
    assertThat(next.outcome()).isEqualTo(PutResult.Outcome.CONFIGURED);
    await().until(() -> events.size() == 2);
  }

  @Test
  void leavesNoTempFilesBehindAfterWrites() throws IOException {
    EmbeddedStore store = open();
    for (int i = 0; i < 20; i++) {
      store.put(importOf("prod", "db-" + (i % 4), 1000 + i));
    }
    store.delete(importOf("prod", "db-0", 1).key());

    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(
              files
                  .filter(Files::isRegularFile)
                  .map(p -> dir.relativize(p).toString())
                  .collect(Collectors.toList()))
          .containsExactlyInAnyOrder(
              ".lock",
              ".resource-version",
              "imports/prod/db-1.json",
              "imports/prod/db-2.json",
              "imports/prod/db-3.json");
    }
  }

  @Test
  void writesABatchWithoutLeavingAnIntentRecordBehind() throws IOException {
    EmbeddedStore store = open();

    store.putAll(
        List.of(importOf("prod", "a", 1), importOf("prod", "b", 1), export("prod", "a", 1)));

    assertThat(regularFiles())
        .containsExactlyInAnyOrder(
            ".lock", "imports/prod/a.json", "imports/prod/b.json", "exports/prod/a.json");
  }

  @Test
  void rollsACompleteIntentRecordForwardOnOpen() throws IOException {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.putAll(
          List.of(importOf("prod", "a", 1), importOf("prod", "b", 1), importOf("prod", "c", 1)));
    }
    // a crash after the commit point and the first rename: b is renamed, a is not, c is not deleted
    Files.writeString(
        dir.resolve("imports/prod/b.json"), ObjectCodec.toJson(importOf("prod", "b", 2)));
    Files.writeString(
        dir.resolve("imports/prod/a.json.tmp"), ObjectCodec.toJson(importOf("prod", "a", 2)));
    writeIntent(
        "xcl-intent 1\n"
            + "rename imports/prod/b.json.tmp imports/prod/b.json\n"
            + "rename imports/prod/a.json.tmp imports/prod/a.json\n"
            + "unlink imports/prod/c.json\n",
        3);

    EmbeddedStore store = open();

    assertThat(plain(store.list(Kind.IMPORT, null)))
        .containsExactly(importOf("prod", "a", 2), importOf("prod", "b", 2));
    assertThat(regularFiles())
        .containsExactlyInAnyOrder(".lock", "imports/prod/a.json", "imports/prod/b.json");
  }

  @Test
  void rollsAnIntentRecordCutShortBackOnOpen() throws IOException {
    writeOldVersionsAndNewTemps();
    // no end line: the crash came while the record was being written
    Files.writeString(
        dir.resolve(".intent"),
        "xcl-intent 1\n"
            + "rename imports/prod/a.json.tmp imports/prod/a.json\n"
            + "rename imports/prod/b.json.tmp imports/prod/b.js");

    EmbeddedStore store = open();

    assertThat(plain(store.list(Kind.IMPORT, null)))
        .containsExactly(importOf("prod", "a", 1), importOf("prod", "b", 1));
    assertThat(regularFiles())
        .containsExactlyInAnyOrder(".lock", "imports/prod/a.json", "imports/prod/b.json");
  }

  @Test
  void rollsAnIntentRecordWithAWrongChecksumBackOnOpen() throws IOException {
    writeOldVersionsAndNewTemps();
    // whole lines, but not the bytes the end line vouches for (after a power loss, say)
    Files.writeString(
        dir.resolve(".intent"),
        "xcl-intent 1\n"
            + "rename imports/prod/a.json.tmp imports/prod/a.json\n"
            + "rename imports/prod/b.json.tmp imports/prod/b.json\n"
            + "end 2 00000000\n");

    EmbeddedStore store = open();

    assertThat(plain(store.list(Kind.IMPORT, null)))
        .containsExactly(importOf("prod", "a", 1), importOf("prod", "b", 1));
    assertThat(regularFiles())
        .containsExactlyInAnyOrder(".lock", "imports/prod/a.json", "imports/prod/b.json");
  }

  @Test
  void refusesToOpenWhenACompleteIntentRecordNamesAFileOutsideTheStateDirectory()
      throws IOException {
    writeIntent(
        "xcl-intent 1\n"
            + "rename ../../etc/passwd.tmp imports/prod/a.json\n"
            + "unlink imports/prod/b.json\n",
        2);

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            dir.toAbsolutePath().normalize().resolve(".intent")
                + ": line 2: "
                + "'rename ../../etc/passwd.tmp imports/prod/a.json' "
                + "(expected: rename <temp> <target> or unlink <target>, inside the state directory)");
  }

  @Test
  void changesNothingWhenTheIntentRecordCannotBeWritten() throws IOException {
    EmbeddedStore store = open();
    store.put(importOf("prod", "a", 1));
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    store.addListener(events::add);
    Files.createDirectory(dir.resolve(".intent"));

    assertThatThrownBy(
            () -> store.putAll(List.of(importOf("prod", "a", 2), importOf("prod", "b", 2))))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            dir.toAbsolutePath().normalize().resolve(".intent") + " cannot be written: ");

    assertThat(plain(store.list(Kind.IMPORT, null))).containsExactly(importOf("prod", "a", 1));
    assertThat(regularFiles()).containsExactlyInAnyOrder(".lock", "imports/prod/a.json");
    // the next write's event follows the initial one directly: the refused apply fired nothing
    store.put(importOf("prod", "c", 1));
    await().until(() -> events.size() == 2);
    assertThat(events)
        .extracting(e -> e.type() + " " + e.object().metadata().name())
        .containsExactly("ADDED a", "ADDED c");
  }

  private void writeOldVersionsAndNewTemps() throws IOException {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.putAll(List.of(importOf("prod", "a", 1), importOf("prod", "b", 1)));
    }
    Files.writeString(
        dir.resolve("imports/prod/a.json.tmp"), ObjectCodec.toJson(importOf("prod", "a", 2)));
    Files.writeString(
        dir.resolve("imports/prod/b.json.tmp"), ObjectCodec.toJson(importOf("prod", "b", 2)));
  }

  /**
   * Writes {@code body} as .intent with the end line the store writes: count and CRC-32C of the
   * body.
   */
  private void writeIntent(String body, int changes) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    Files.writeString(
        dir.resolve(".intent"),
        body + "end " + changes + " " + String.format("%08x", crc.getValue()) + "\n");
  }

  /** The object as the user wrote it: without the store's versions. */
  static XclObject plain(XclObject obj) {
    return obj.withMetadata(obj.metadata().withoutVersions());
  }

  static List<XclObject> plain(List<XclObject> objects) {
    return objects.stream().map(EmbeddedStoreTest::plain).collect(Collectors.toList());
  }

  private List<String> regularFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .collect(Collectors.toList());
    }
  }
}
