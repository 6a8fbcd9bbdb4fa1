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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: one crash-safe state directory per gateway. Each object is one JSON file,
 * {@code <kind plural>/<namespace or _cluster>/<name>.json}, written to a temporary file, forced to
 * disk and renamed over the old one, so that a crash at any point leaves either the old or the new
 * version. Status is kept in memory only. An exclusive lock on {@code .lock} keeps a second gateway
 * out of the same directory.
 */
public final class EmbeddedStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);

  private static final String CLUSTER_SCOPE_DIR = "_cluster";
  private static final String LOCK_FILE = ".lock";
  private static final String OBJECT_SUFFIX = ".json";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Comparator<ObjectKey> KEY_ORDER =
      Comparator.comparing(ObjectKey::kind)
          .thenComparing(ObjectKey::namespace, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ObjectKey::name);

  private final Path dir;
  private final FileChannel lockChannel;
  // reads are lock-free; every change (and listener registration) happens under writeLock
  private final ConcurrentSkipListMap<ObjectKey, XclObject> objects;
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
  private final Object writeLock = new Object();
  private boolean closed;

  private EmbeddedStore(Path dir, FileChannel lockChannel, ConcurrentSkipListMap<ObjectKey, XclObject> objects) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.objects = objects;
  }

  /**
   * Opens (creating it if needed) a state directory: locks it, removes temporary files a crash left
   * behind and loads every object. Refuses to start, rather than drop data, when a file does not
   * hold a valid object.
   *
   * @throws StoreException when the directory is locked by another gateway or cannot be read
   */
  public static EmbeddedStore open(Path stateDir) {
    Path dir = stateDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("state directory " + dir + " cannot be created: " + describe(e), e);
    }
    FileChannel lockChannel = lock(dir);
    try {
      ConcurrentSkipListMap<ObjectKey, XclObject> objects = load(dir);
      log.info("state directory {} opened: {} objects", dir, objects.size());
      return new EmbeddedStore(dir, lockChannel, objects);
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

  private static List<Path> children(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new StoreException(folder + " cannot be listed: " + describe(e), e);
    }
  }

  private static void deleteLeftover(Path file) {
    try {
      Files.deleteIfExists(file);
      log.info("removed {}: left over from an interrupted write", file);
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
   * {@inheritDoc} Every changed object is first written to its temporary file; only when all of them
   * are on disk are they renamed into place, so a failure while writing changes nothing.
   */
  @Override
  public List<PutResult> putAll(List<XclObject> incoming) {
    synchronized (writeLock) {
      checkOpen();
      List<PutResult> results = new ArrayList<>(incoming.size());
      List<PendingWrite> writes = new ArrayList<>();
      // later objects of the same call see the earlier ones, as if put one by one
      Map<ObjectKey, XclObject> pending = new HashMap<>();
      try {
        for (XclObject in : incoming) {
          XclObject candidate = in.normalized();
          ObjectKey key = candidate.key();
          checkPathSafe(key);
          XclObject current = pending.containsKey(key) ? pending.get(key) : objects.get(key);
          XclObject next = candidate.withStatus(current == null ? Status.EMPTY : current.status());
          if (next.equals(current)) {
            results.add(new PutResult(PutResult.Outcome.UNCHANGED, current));
            continue;
          }
          Path target = fileOf(key);
          writes.add(new PendingWrite(writeTemp(target, serialise(next)), target,
              new StoreEvent(current == null ? EventType.ADDED : EventType.MODIFIED, next)));
          pending.put(key, next);
          results.add(new PutResult(current == null ? PutResult.Outcome.CREATED : PutResult.Outcome.CONFIGURED, next));
        }
      } catch (RuntimeException e) {
        writes.forEach(w -> deleteQuietly(w.temp()));
        throw e;
      }
      commit(writes);
      return results;
    }
  }

  /** Renames every prepared file into place, makes the renames durable, then publishes them. */
  private void commit(List<PendingWrite> writes) {
    Set<Path> folders = new LinkedHashSet<>();
    int done = 0;
    try {
      for (PendingWrite w : writes) {
        Files.move(w.temp(), w.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        folders.add(w.target().getParent());
        done++;
      }
      for (Path folder : folders) {
        forceDirectory(folder);
      }
    } catch (IOException e) {
      String file = done < writes.size() ? writes.get(done).target().toString() : folders.toString();
      throw new StoreException(file + " cannot be written: " + describe(e), e);
    } finally {
      // what was renamed is what a restart will load: memory and listeners must agree with it
      for (int i = 0; i < writes.size(); i++) {
        PendingWrite w = writes.get(i);
        if (i < done) {
          objects.put(w.event().object().key(), w.event().object());
          publish(w.event());
        } else {
          deleteQuietly(w.temp());
        }
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
      checkOpen();
      XclObject current = objects.get(k);
      if (current == null) {
        return false;
      }
      Path file = fileOf(k);
      try {
        Files.deleteIfExists(file);
        forceDirectory(file.getParent());
      } catch (IOException e) {
        throw new StoreException(file + " cannot be deleted: " + describe(e), e);
      }
      objects.remove(k);
      publish(new StoreEvent(EventType.DELETED, current));
      return true;
    }
  }

  @Override
  public boolean setStatus(ObjectKey key, Status status) {
    ObjectKey k = normalize(key);
    Status s = status == null ? Status.EMPTY : status;
    synchronized (writeLock) {
      return objects.computeIfPresent(k, (ignored, current) -> current.withStatus(s)) != null;
    }
  }

  @Override
  public void addListener(StoreListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (writeLock) {
      for (XclObject obj : objects.values()) {
        deliver(listener, new StoreEvent(EventType.ADDED, obj));
      }
      listeners.add(listener);
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      listeners.clear();
      closeQuietly(lockChannel); // releases the lock
      log.info("state directory {} closed", dir);
    }
  }

  // ---- files ------------------------------------------------------------------------------

  private Path fileOf(ObjectKey key) {
    String scope = key.namespace() == null ? CLUSTER_SCOPE_DIR : key.namespace();
    return dir.resolve(key.kind().plural()).resolve(scope).resolve(key.name() + OBJECT_SUFFIX);
  }

  private static byte[] serialise(XclObject obj) {
    // status is observed state: recomputed after a restart, never persisted
    return (ObjectCodec.toJson(obj.withStatus(Status.EMPTY)) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Writes the content to a new temporary file beside {@code target} and forces it to disk. */
  private Path writeTemp(Path target, byte[] content) {
    Path folder = target.getParent();
    Path temp = null;
    try {
      ensureDirectory(folder);
      temp = Files.createTempFile(folder, target.getFileName() + ".", TEMP_SUFFIX);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
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

  private void checkOpen() {
    if (closed) {
      throw new StoreException("state directory " + dir + " is closed");
    }
  }

  private void publish(StoreEvent event) {
    for (StoreListener l : listeners) {
      deliver(l, event);
    }
  }

  private static void deliver(StoreListener l, StoreEvent event) {
    try {
      l.onEvent(event);
    } catch (RuntimeException e) {
      // the change is already durable: one failing listener must not hide it from the others
      log.warn("store listener {} failed on {} {}: {}", l, event.type(), event.object().key(), e.toString(), e);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private record PendingWrite(Path temp, Path target, StoreEvent event) {}
}
