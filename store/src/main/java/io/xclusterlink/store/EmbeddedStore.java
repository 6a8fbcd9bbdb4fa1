package io.xclusterlink.store;

import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: one crash-safe state directory per gateway. Each object is one JSON file,
 * {@code <kind plural>/<namespace or _cluster>/<name>.json}, with its status and the two numbers
 * the store keeps: {@code metadata.resourceVersion} (a store-wide counter, one step per write of
 * spec or status, as a decimal string) and {@code metadata.generation} (one step per change of spec
 * or labels). An exclusive lock on {@code .lock} keeps a second gateway out of the same directory.
 *
 * <p>The counter survives a restart: {@link #open} resumes after the highest version of any object
 * and of {@code .resource-version}, which a delete writes (durably, before its unlink) so that the
 * counter never goes back when the object holding the highest version is deleted.
 *
 * <p>An apply ({@link #putAll}, {@link #delete}) is all-or-nothing across a crash:
 *
 * <ol>
 *   <li>each changed object is written to {@code <name>.json.tmp} beside its file and forced to
 *       disk, then the folders holding them are forced (the temporary files' entries are durable);
 *   <li>an intent record, {@code .intent} ({@link IntentRecord}: every rename and unlink, ending in
 *       a line with their count and a CRC-32C), is written and forced, then the state directory is
 *       forced. <b>That is the commit point.</b> Memory and listeners are updated after it only;
 *   <li>the renames and unlinks are done, their folders forced, {@code .intent} removed and the
 *       state directory forced again (a stale record must never be replayed over a later apply).
 * </ol>
 *
 * {@link #open} recovers before it loads: a whole {@code .intent} is rolled forward (a rename whose
 * temporary file is gone was done already; unlinks are repeated), a torn one is discarded with the
 * temporary files it names; then any leftover {@code *.tmp} is removed. An apply of one change
 * writes no intent record: one rename or one unlink is atomic by itself; a status write is such a
 * change.
 *
 * <p>Listeners are fed on one thread each ({@link ListenerFeed}), in commit order: a slow listener
 * holds up neither writers nor the other listeners.
 */
public final class EmbeddedStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);

  private static final String CLUSTER_SCOPE_DIR = "_cluster";
  private static final String LOCK_FILE = ".lock";
  private static final String OBJECT_SUFFIX = ".json";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final String INTENT_FILE = ".intent";
  private static final String VERSION_FILE = ".resource-version";
  // the intent record is written in parts so that a test can stop the process inside it
  private static final int INTENT_PART_BYTES = 64 * 1024;
  private static final Comparator<ObjectKey> KEY_ORDER =
      Comparator.comparing(ObjectKey::kind)
          .thenComparing(ObjectKey::namespace, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ObjectKey::name);

  private final Path dir;
  private final FileChannel lockChannel;
  // reads are lock-free; every change (and listener registration) happens under writeLock
  private final ConcurrentSkipListMap<ObjectKey, XclObject> objects;
  private final List<ListenerFeed> listeners = new CopyOnWriteArrayList<>();
  private final Object writeLock = new Object();
  private final CommitProbe probe;
  // the last resourceVersion given out; guarded by writeLock
  private long version;
  private boolean closed;
  // set when a committed apply could not be completed: the disk is between two states until
  // reopened
  private String incomplete;

  private EmbeddedStore(
      Path dir,
      FileChannel lockChannel,
      ConcurrentSkipListMap<ObjectKey, XclObject> objects,
      long version,
      CommitProbe probe) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.objects = objects;
    this.version = version;
    this.probe = probe;
  }

  /**
   * Opens (creating it if needed) a state directory: locks it, completes or discards an apply that
   * a crash interrupted, removes temporary files a crash left behind and loads every object.
   * Refuses to start, rather than drop data, when a file does not hold a valid object.
   *
   * @throws StoreException when the directory is locked by another gateway or cannot be read
   */
  public static EmbeddedStore open(Path stateDir) {
    return open(stateDir, CommitProbe.NONE);
  }

  /** {@link #open(Path)} with a probe that sees every step of every commit; for crash tests. */
  static EmbeddedStore open(Path stateDir, CommitProbe probe) {
    Path dir = stateDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("state directory " + dir + " cannot be created: " + describe(e), e);
    }
    FileChannel lockChannel = lock(dir);
    try {
      recover(dir, probe);
      ConcurrentSkipListMap<ObjectKey, XclObject> objects = load(dir);
      long version = versionOnDisk(dir, objects);
      // objects written before the store kept versions get theirs now, in memory, after every
      // version on disk; their files get them at their next write
      for (XclObject obj : objects.values()) {
        if (obj.metadata().resourceVersion() == null) {
          Long generation = obj.metadata().generation();
          objects.put(
              obj.key(),
              obj.withMetadata(
                  obj.metadata()
                      .withVersions(
                          Long.toString(++version), generation == null ? 1 : generation)));
        }
      }
      log.info("state directory {} opened: {} objects", dir, objects.size());
      return new EmbeddedStore(dir, lockChannel, objects, version, probe);
    } catch (RuntimeException e) {
      closeQuietly(lockChannel);
      throw e;
    }
  }

  private static FileChannel lock(Path dir) {
    Path lockFile = dir.resolve(LOCK_FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreException(lockFile + " cannot be opened: " + describe(e), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this JVM: another gateway in the same process
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException(lockFile + " cannot be locked: " + describe(e), e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new StoreException("state directory " + dir + " is in use by another gateway");
    }
    return channel;
  }

  /** Rolls a committed apply forward, or a torn one back; see the class comment. */
  private static void recover(Path dir, CommitProbe probe) {
    Path intentFile = dir.resolve(INTENT_FILE);
    if (!Files.exists(intentFile)) {
      return;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(intentFile);
    } catch (IOException e) {
      throw new StoreException(intentFile + " cannot be read: " + describe(e), e);
    }
    IntentRecord.Read read = IntentRecord.decode(dir, intentFile, bytes);
    Path current = intentFile;
    try {
      if (read instanceof IntentRecord.Complete c) {
        Set<Path> folders = new LinkedHashSet<>();
        int done = 0;
        for (IntentRecord.Change change : c.changes()) {
          current = change.target();
          // idempotent: a crash during recovery is recovered the same way at the next open
          if (change instanceof IntentRecord.Rename r) {
            if (Files.exists(r.temp())) {
              Files.move(
                  r.temp(),
                  r.target(),
                  StandardCopyOption.ATOMIC_MOVE,
                  StandardCopyOption.REPLACE_EXISTING);
            }
          } else {
            Files.deleteIfExists(change.target());
          }
          folders.add(change.target().getParent());
          probe.reached(CommitStep.RECOVERY_APPLIED, ++done);
        }
        for (Path folder : folders) {
          current = folder;
          forceDirectory(folder);
        }
        log.info(
            "state directory {}: completed an apply of {} changes that a crash interrupted",
            dir,
            done);
      } else {
        for (Path temp : ((IntentRecord.Torn) read).temps()) {
          current = temp;
          Files.deleteIfExists(temp);
        }
        log.info(
            "state directory {}: discarded an apply that a crash interrupted before its commit",
            dir);
      }
      current = intentFile;
      Files.delete(intentFile);
      forceDirectory(dir);
    } catch (IOException e) {
      throw new StoreException(
          current + " cannot be recovered from " + intentFile + ": " + describe(e), e);
    }
  }

  private static ConcurrentSkipListMap<ObjectKey, XclObject> load(Path dir) {
    ConcurrentSkipListMap<ObjectKey, XclObject> out = new ConcurrentSkipListMap<>(KEY_ORDER);
    for (Kind kind : Kind.values()) {
      Path kindDir = dir.resolve(kind.plural());
      if (!Files.isDirectory(kindDir)) {
        continue;
      }
      for (Path scopeDir : children(kindDir)) {
        if (!Files.isDirectory(scopeDir)) {
          continue;
        }
        String scope = scopeDir.getFileName().toString();
        String namespace = scope.equals(CLUSTER_SCOPE_DIR) ? null : scope;
        for (Path file : children(scopeDir)) {
          String fileName = file.getFileName().toString();
          if (fileName.endsWith(TEMP_SUFFIX)) {
            // a write that a crash interrupted before its rename: the old version is still in place
            deleteLeftover(file);
          } else if (fileName.endsWith(OBJECT_SUFFIX)) {
            String name = fileName.substring(0, fileName.length() - OBJECT_SUFFIX.length());
            XclObject obj = readObject(file, new ObjectKey(kind, namespace, name));
            out.put(obj.key(), obj);
          } else {
            log.warn("state directory {}: ignoring unexpected file {}", dir, file);
          }
        }
      }
    }
    return out;
  }

  /** The highest resourceVersion given out before: of any object, or kept by a delete. */
  private static long versionOnDisk(Path dir, Map<ObjectKey, XclObject> objects) {
    long max = 0;
    for (XclObject obj : objects.values()) {
      String rv = obj.metadata().resourceVersion();
      if (rv != null) {
        max = Math.max(max, parseVersion(rv, fileOf(dir, obj.key())));
      }
    }
    Path file = dir.resolve(VERSION_FILE);
    deleteLeftover(dir.resolve(VERSION_FILE + TEMP_SUFFIX));
    if (Files.exists(file)) {
      try {
        max = Math.max(max, parseVersion(Files.readString(file, StandardCharsets.UTF_8), file));
      } catch (IOException e) {
        throw new StoreException(file + " cannot be read: " + describe(e), e);
      }
    }
    return max;
  }

  private static long parseVersion(String text, Path file) {
    try {
      long v = Long.parseLong(text.strip());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new StoreException(
        file
            + ": resourceVersion '"
            + text.strip()
            + "' (expected: a positive decimal number, as this store writes)");
  }

  private static List<Path> children(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new StoreException(folder + " cannot be listed: " + describe(e), e);
    }
  }

  private static void deleteLeftover(Path file) {
    try {
      if (Files.deleteIfExists(file)) {
        log.info("removed {}: left over from an interrupted write", file);
      }
    } catch (IOException e) {
      throw new StoreException(file + " cannot be removed: " + describe(e), e);
    }
  }

  private static XclObject readObject(Path file, ObjectKey expected) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException(file + " cannot be read: " + describe(e), e);
    }
    XclObject obj;
    try {
      obj = ObjectCodec.readJson(text);
    } catch (InvalidObjectException e) {
      throw new StoreException(file + " does not hold a valid object: " + e.getMessage(), e);
    }
    if (!obj.key().equals(expected)) {
      throw new StoreException(file + " holds " + obj.key() + " (expected: " + expected + ")");
    }
    return obj;
  }

  /** The state directory, absolute. */
  public Path directory() {
    return dir;
  }

  @Override
  public PutResult put(XclObject object) {
    return putAll(List.of(object)).get(0);
  }

  /**
   * {@inheritDoc} All-or-nothing across a crash: every changed object is first written to its
   * temporary file, and the renames happen only after an intent record commits them (see the class
   * comment), so a failure or crash before the commit changes nothing and one after it changes all.
   * Every object's resourceVersion is checked before anything is written: one conflict writes
   * nothing.
   */
  @Override
  public List<PutResult> putAll(List<XclObject> incoming) {
    synchronized (writeLock) {
      checkWritable();
      List<PutResult> results = new ArrayList<>(incoming.size());
      List<StoreEvent> events = new ArrayList<>();
      // later objects of the same call see the earlier ones, as if put one by one; the files only
      // need the last version of each object
      Map<ObjectKey, XclObject> pending = new LinkedHashMap<>();
      long next = version;
      for (XclObject in : incoming) {
        XclObject candidate = in.normalized();
        ObjectKey key = candidate.key();
        checkPathSafe(key);
        XclObject current = pending.containsKey(key) ? pending.get(key) : objects.get(key);
        String expected = candidate.metadata().resourceVersion();
        String stored = current == null ? null : current.metadata().resourceVersion();
        if (expected != null && !expected.equals(stored)) {
          throw new StoreConflictException(key, expected, stored);
        }
        // what the user wrote, with the status the store keeps
        XclObject written =
            unversioned(candidate).withStatus(current == null ? Status.EMPTY : current.status());
        if (current != null && written.equals(unversioned(current))) {
          results.add(new PutResult(PutResult.Outcome.UNCHANGED, current));
          continue;
        }
        long generation = current == null ? 1 : generationOf(current) + 1;
        XclObject stamped =
            written.withMetadata(
                written.metadata().withVersions(Long.toString(++next), generation));
        events.add(new StoreEvent(current == null ? EventType.ADDED : EventType.MODIFIED, stamped));
        pending.put(key, stamped);
        results.add(
            new PutResult(
                current == null ? PutResult.Outcome.CREATED : PutResult.Outcome.CONFIGURED,
                stamped));
      }
      List<IntentRecord.Change> changes = new ArrayList<>(pending.size());
      try {
        for (XclObject stamped : pending.values()) {
          Path target = fileOf(stamped.key());
          changes.add(new IntentRecord.Rename(writeTemp(target, serialise(stamped)), target));
          probe.reached(CommitStep.TEMP_WRITTEN, changes.size());
        }
      } catch (RuntimeException e) {
        deleteTemps(changes);
        throw e;
      }
      // versions are never given out twice, even those of a write that fails from here on
      version = next;
      commit(changes, events);
      return results;
    }
  }

  private static XclObject unversioned(XclObject obj) {
    return obj.withMetadata(obj.metadata().withoutVersions());
  }

  private static long generationOf(XclObject obj) {
    Long g = obj.metadata().generation();
    return g == null ? 1 : g;
  }

  /**
   * Makes the changes durable as one, then publishes the events. Before the commit point a failure
   * changes nothing; after it, memory and listeners get the whole apply, since that is what a
   * restart will load.
   */
  private void commit(List<IntentRecord.Change> changes, List<StoreEvent> events) {
    if (changes.isEmpty()) {
      return;
    }
    Set<Path> folders = new LinkedHashSet<>();
    changes.forEach(c -> folders.add(c.target().getParent()));
    boolean logged = changes.size() > 1;
    Path intentFile = dir.resolve(INTENT_FILE);
    if (logged) {
      writeIntent(intentFile, changes, folders);
      probe.reached(CommitStep.COMMITTED, 0);
    }
    int done = 0;
    try {
      for (IntentRecord.Change c : changes) {
        if (c instanceof IntentRecord.Rename r) {
          Files.move(
              r.temp(),
              r.target(),
              StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.deleteIfExists(c.target());
        }
        probe.reached(CommitStep.APPLIED, ++done);
      }
      for (Path folder : folders) {
        forceDirectory(folder);
      }
      probe.reached(CommitStep.FOLDERS_FORCED, 0);
      if (logged) {
        Files.delete(intentFile);
        forceDirectory(dir);
        probe.reached(CommitStep.INTENT_REMOVED, 0);
      }
    } catch (IOException e) {
      IntentRecord.Change failed = changes.get(Math.min(done, changes.size() - 1));
      String what =
          failed.target()
              + (failed instanceof IntentRecord.Unlink
                  ? " cannot be deleted: "
                  : " cannot be written: ")
              + describe(e);
      if (!logged && done == 0) {
        deleteTemps(changes);
        throw new StoreException(what, e);
      }
      if (logged) {
        incomplete = what;
        log.error(
            "state directory {}: a committed apply is not complete ({}); it completes when the directory is reopened",
            dir,
            what);
      }
      publishAll(events);
      throw new StoreException(
          what
              + (logged
                  ? " (the apply is committed and completes when the state directory is reopened)"
                  : ""),
          e);
    }
    publishAll(events);
  }

  /**
   * Forces the temporary files' folders, then writes and forces the intent record: the commit
   * point.
   */
  private void writeIntent(Path intentFile, List<IntentRecord.Change> changes, Set<Path> folders) {
    byte[] record = IntentRecord.encode(dir, changes);
    boolean created = false;
    try {
      // a temporary file the record names must survive a power loss as surely as the record does
      for (Path folder : folders) {
        forceDirectory(folder);
      }
      try (FileChannel ch =
          FileChannel.open(intentFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        created = true;
        int parts = 0;
        for (int at = 0; at < record.length; ) {
          ByteBuffer buf =
              ByteBuffer.wrap(record, at, Math.min(INTENT_PART_BYTES, record.length - at));
          while (buf.hasRemaining()) {
            at += ch.write(buf);
          }
          if (at < record.length) {
            probe.reached(CommitStep.INTENT_PART_WRITTEN, ++parts);
          }
        }
        probe.reached(CommitStep.INTENT_WRITTEN, 0);
        ch.force(true);
      }
      forceDirectory(dir);
    } catch (IOException e) {
      if (created) {
        deleteQuietly(intentFile);
      }
      deleteTemps(changes);
      throw new StoreException(intentFile + " cannot be written: " + describe(e), e);
    }
  }

  private void publishAll(List<StoreEvent> events) {
    for (StoreEvent event : events) {
      XclObject obj = event.object();
      if (event.type() == EventType.DELETED) {
        objects.remove(obj.key());
      } else {
        objects.put(obj.key(), obj);
      }
      publish(event);
    }
  }

  private static void deleteTemps(List<IntentRecord.Change> changes) {
    for (IntentRecord.Change c : changes) {
      if (c instanceof IntentRecord.Rename r) {
        deleteQuietly(r.temp());
      }
    }
  }

  @Override
  public Optional<XclObject> get(ObjectKey key) {
    return Optional.ofNullable(objects.get(normalize(key)));
  }

  @Override
  public List<XclObject> list(Kind kind, String namespaceOrNullForAll) {
    String ns = kind.namespaced() ? namespaceOrNullForAll : null;
    List<XclObject> out = new ArrayList<>();
    for (Map.Entry<ObjectKey, XclObject> e : objects.entrySet()) {
      ObjectKey k = e.getKey();
      if (k.kind() == kind && (ns == null || ns.equals(k.namespace()))) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  @Override
  public boolean delete(ObjectKey key) {
    ObjectKey k = normalize(key);
    synchronized (writeLock) {
      checkWritable();
      XclObject current = objects.get(k);
      if (current == null) {
        return false;
      }
      // the deleted object may hold the highest version: keep the counter where a restart sees it
      writeVersionFile(version + 1);
      version++;
      commit(
          List.of(new IntentRecord.Unlink(fileOf(k))),
          List.of(new StoreEvent(EventType.DELETED, current)));
      return true;
    }
  }

  /**
   * {@inheritDoc} Written like a put of one object: a temporary file, forced, renamed over the
   * object's file.
   */
  @Override
  public boolean setStatus(ObjectKey key, Status status) {
    ObjectKey k = normalize(key);
    Status s = status == null ? Status.EMPTY : status;
    synchronized (writeLock) {
      checkWritable();
      XclObject current = objects.get(k);
      if (current == null) {
        return false;
      }
      if (current.status().equals(s)) {
        return true;
      }
      XclObject next =
          current
              .withStatus(s)
              .withMetadata(
                  current
                      .metadata()
                      .withVersions(Long.toString(version + 1), generationOf(current)));
      Path target = fileOf(k);
      Path temp = writeTemp(target, serialise(next));
      version++;
      commit(
          List.of(new IntentRecord.Rename(temp, target)),
          List.of(new StoreEvent(EventType.MODIFIED, next)));
      return true;
    }
  }

  /**
   * {@inheritDoc} The changed statuses are committed together, like a {@link #putAll}: through one
   * intent record when more than one changed.
   */
  @Override
  public void setStatusAll(Map<ObjectKey, Status> statuses) {
    Map<ObjectKey, Status> byKey = new LinkedHashMap<>();
    statuses.forEach((k, s) -> byKey.put(normalize(k), s == null ? Status.EMPTY : s));
    synchronized (writeLock) {
      checkWritable();
      List<IntentRecord.Change> changes = new ArrayList<>();
      List<StoreEvent> events = new ArrayList<>();
      long next = version;
      try {
        for (Map.Entry<ObjectKey, Status> e : byKey.entrySet()) {
          XclObject current = objects.get(e.getKey());
          if (current == null || current.status().equals(e.getValue())) {
            continue;
          }
          XclObject stamped =
              current
                  .withStatus(e.getValue())
                  .withMetadata(
                      current
                          .metadata()
                          .withVersions(Long.toString(++next), generationOf(current)));
          Path target = fileOf(e.getKey());
          changes.add(new IntentRecord.Rename(writeTemp(target, serialise(stamped)), target));
          events.add(new StoreEvent(EventType.MODIFIED, stamped));
          probe.reached(CommitStep.TEMP_WRITTEN, changes.size());
        }
      } catch (RuntimeException e) {
        deleteTemps(changes);
        throw e;
      }
      version = next;
      commit(changes, events);
    }
  }

  /**
   * {@inheritDoc} The listener gets its own thread; the initial events are queued on it under the
   * write lock, so no write slips in between them and the live ones.
   */
  @Override
  public void addListener(StoreListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (writeLock) {
      if (closed) {
        throw new StoreException("state directory " + dir + " is closed");
      }
      ListenerFeed feed = new ListenerFeed(listener);
      for (XclObject obj : objects.values()) {
        feed.send(new StoreEvent(EventType.ADDED, obj));
      }
      feed.synced();
      listeners.add(feed);
    }
  }

  @Override
  public boolean hasSynced() {
    return true;
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      // events already queued are still delivered; the threads end after them
      listeners.forEach(ListenerFeed::close);
      listeners.clear();
      closeQuietly(lockChannel); // releases the lock
      log.info("state directory {} closed", dir);
    }
  }

  // ---- files ------------------------------------------------------------------------------

  private Path fileOf(ObjectKey key) {
    return fileOf(dir, key);
  }

  private static Path fileOf(Path dir, ObjectKey key) {
    String scope = key.namespace() == null ? CLUSTER_SCOPE_DIR : key.namespace();
    return dir.resolve(key.kind().plural()).resolve(scope).resolve(key.name() + OBJECT_SUFFIX);
  }

  private static byte[] serialise(XclObject obj) {
    return (ObjectCodec.toJson(obj) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@code .resource-version} through a forced temporary file and a rename. */
  private void writeVersionFile(long value) {
    Path file = dir.resolve(VERSION_FILE);
    Path temp = dir.resolve(VERSION_FILE + TEMP_SUFFIX);
    try {
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(dir);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new StoreException(file + " cannot be written: " + describe(e), e);
    }
  }

  /**
   * Writes the content to {@code <target>.tmp} and forces it to disk. The name is fixed: one apply
   * writes each file once, applies do not overlap, and the intent record names it anyway.
   */
  private Path writeTemp(Path target, byte[] content) {
    Path folder = target.getParent();
    Path temp = null;
    try {
      ensureDirectory(folder);
      temp = folder.resolve(target.getFileName() + TEMP_SUFFIX);
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      return temp;
    } catch (IOException e) {
      if (temp != null) {
        deleteQuietly(temp);
      }
      throw new StoreException(target + " cannot be written: " + describe(e), e);
    }
  }

  /** Creates the kind and scope folders, and makes their entries durable in their parents. */
  private void ensureDirectory(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    Path kindDir = folder.getParent();
    boolean newKindDir = !Files.isDirectory(kindDir);
    Files.createDirectories(folder);
    forceDirectory(kindDir);
    if (newKindDir) {
      forceDirectory(dir);
    }
  }

  private static void forceDirectory(Path folder) throws IOException {
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // removed at the next open anyway
      log.debug("could not remove temporary file {}: {}", file, describe(e));
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      log.debug("could not close {}: {}", ch, describe(e));
    }
  }

  // ---- keys and events --------------------------------------------------------------------

  /** A namespaced key without namespace means the default one; cluster-scoped keys have none. */
  private static ObjectKey normalize(ObjectKey key) {
    if (key.kind().namespaced()) {
      return key.namespace() == null || key.namespace().isBlank()
          ? new ObjectKey(key.kind(), XclObject.DEFAULT_NAMESPACE, key.name())
          : key;
    }
    return key.namespace() == null ? key : new ObjectKey(key.kind(), null, key.name());
  }

  /** Names become file names: they must not climb out of the state directory. */
  private static void checkPathSafe(ObjectKey key) {
    try {
      Validation.name("metadata.name", key.name());
      if (key.namespace() != null) {
        Validation.name("metadata.namespace", key.namespace());
      }
    } catch (InvalidObjectException e) {
      throw new InvalidObjectException(key + ": " + e.getMessage());
    }
  }

  private void checkWritable() {
    if (closed) {
      throw new StoreException("state directory " + dir + " is closed");
    }
    if (incomplete != null) {
      throw new StoreException(
          "state directory "
              + dir
              + " has a committed apply that is not complete ("
              + incomplete
              + "); reopen it to complete it");
    }
  }

  private void publish(StoreEvent event) {
    for (ListenerFeed feed : listeners) {
      feed.send(event);
    }
  }

  /**
   * One listener's thread and queue. Events are queued under the write lock, so each listener sees
   * them in commit order; the queue is unbounded, so a listener that blocks only delays itself.
   */
  private static final class ListenerFeed {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final StoreListener listener;
    private final ExecutorService thread;

    ListenerFeed(StoreListener listener) {
      this.listener = listener;
      String name = "xcl-store-listener-" + THREADS.incrementAndGet();
      this.thread =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
    }

    void send(StoreEvent event) {
      thread.execute(() -> deliver(event));
    }

    void synced() {
      thread.execute(
          () -> {
            try {
              listener.onSynced();
            } catch (RuntimeException e) {
              log.warn("store listener {} failed when synced: {}", listener, e.toString(), e);
            }
          });
    }

    void close() {
      thread.shutdown();
    }

    private void deliver(StoreEvent event) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        // the change is already durable: one failing listener must not hide it from the others
        log.warn(
            "store listener {} failed on {} {}: {}",
            listener,
            event.type(),
            event.object().key(),
            e.toString(),
            e);
      }
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** The steps of a commit and of recovery, in order, as a {@link CommitProbe} sees them. */
  enum CommitStep {
    /** {@code n} temporary files are written and forced. */
    TEMP_WRITTEN,
    /** {@code n} parts of the intent record are written, and more are to come. */
    INTENT_PART_WRITTEN,
    /** The whole intent record is written, not yet forced. */
    INTENT_WRITTEN,
    /** The intent record and its folder are forced: the apply is committed. */
    COMMITTED,
    /** {@code n} renames or unlinks are done. */
    APPLIED,
    /** The folders of the changed files are forced. */
    FOLDERS_FORCED,
    /** The intent record is removed and its removal forced. */
    INTENT_REMOVED,
    /** Recovery at open has redone {@code n} changes of a committed apply. */
    RECOVERY_APPLIED
  }

  /**
   * Test seam: told of every step of every commit on the writer's thread, so that a crash test can
   * halt the process exactly there. Production code passes {@link #NONE}.
   */
  @FunctionalInterface
  interface CommitProbe {
    CommitProbe NONE = (step, n) -> {};

    void reached(CommitStep step, int n);
  }
}
