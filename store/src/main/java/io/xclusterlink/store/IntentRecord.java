package io.xclusterlink.store;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead intent record of an apply: the renames and unlinks that, done together, make the
 * apply. Text, one change a line, paths relative to the state directory:
 *
 * <pre>
 * xcl-intent 1
 * rename imports/prod/db.json.tmp imports/prod/db.json
 * unlink imports/prod/old.json
 * end 2 1c291ca3
 * </pre>
 *
 * The last line repeats the number of changes and carries the CRC-32C of every byte before it, so
 * that a record a crash cut short (or left with garbage after a power loss) reads as torn, never as
 * a shorter apply. Pure: encodes and decodes bytes, touches no file.
 */
final class IntentRecord {
  static final String HEADER = "xcl-intent 1";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final String OBJECT_SUFFIX = ".json";

  private IntentRecord() {}

  /** One step of an apply. */
  sealed interface Change permits Rename, Unlink {
    /** The object file this change replaces or removes. */
    Path target();
  }

  /** Moves a prepared temporary file over its object file. */
  record Rename(Path temp, Path target) implements Change {}

  /** Removes an object file. */
  record Unlink(Path target) implements Change {}

  /** What a record on disk says. */
  sealed interface Read permits Complete, Torn {}

  /** A whole record: the apply is committed and every change is to be done. */
  record Complete(List<Change> changes) implements Read {}

  /** A record cut short: the apply never committed; these are the temporary files it named. */
  record Torn(List<Path> temps) implements Read {}

  static byte[] encode(Path dir, List<Change> changes) {
    StringBuilder sb = new StringBuilder(64 * (changes.size() + 2));
    sb.append(HEADER).append('\n');
    for (Change c : changes) {
      if (c instanceof Rename r) {
        sb.append("rename ")
            .append(relative(dir, r.temp()))
            .append(' ')
            .append(relative(dir, r.target()));
      } else {
        sb.append("unlink ").append(relative(dir, c.target()));
      }
      sb.append('\n');
    }
    byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 32);
    out.writeBytes(body);
    out.writeBytes(endLine(changes.size(), body, body.length).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /**
   * Reads a record. A record whose end line is missing or disagrees with what precedes it is torn;
   * a whole record that names something other than object and temporary files inside {@code dir}
   * was not written by this store, and is refused rather than acted on.
   *
   * @throws StoreException when a whole record holds a line that is not a change
   */
  static Read decode(Path dir, Path file, byte[] bytes) {
    int bodyEnd = bodyEnd(bytes);
    List<String> lines = lines(bytes, bodyEnd < 0 ? bytes.length : bodyEnd);
    if (bodyEnd < 0 || !lines.get(0).equals(HEADER)) {
      return torn(dir, lines);
    }
    String end = new String(bytes, bodyEnd, bytes.length - bodyEnd, StandardCharsets.UTF_8);
    if (!end.equals(endLine(lines.size() - 1, bytes, bodyEnd))) {
      return torn(dir, lines);
    }
    List<Change> changes = new ArrayList<>(lines.size() - 1);
    for (int i = 1; i < lines.size(); i++) {
      Change c = parse(dir, lines.get(i));
      if (c == null) {
        throw new StoreException(
            file
                + ": line "
                + (i + 1)
                + ": '"
                + lines.get(i)
                + "' (expected: rename <temp> <target> or unlink <target>, inside the state directory)");
      }
      changes.add(c);
    }
    return new Complete(List.copyOf(changes));
  }

  private static Torn torn(Path dir, List<String> lines) {
    List<Path> temps = new ArrayList<>();
    for (String line : lines) {
      // the last line of a torn record may be cut inside a path: parse() then refuses it or names a
      // shorter file, and the sweep of leftover temporary files at open removes the real one
      if (parse(dir, line) instanceof Rename r) {
        temps.add(r.temp());
      }
    }
    return new Torn(List.copyOf(temps));
  }

  /** The change on one line, or null when the line is not one this store writes. */
  private static Change parse(Path dir, String line) {
    String[] f = line.split(" ", -1);
    if (f.length == 3 && f[0].equals("rename")) {
      Path temp = inside(dir, f[1], TEMP_SUFFIX);
      Path target = inside(dir, f[2], OBJECT_SUFFIX);
      return temp == null || target == null ? null : new Rename(temp, target);
    }
    if (f.length == 2 && f[0].equals("unlink")) {
      Path target = inside(dir, f[1], OBJECT_SUFFIX);
      return target == null ? null : new Unlink(target);
    }
    return null;
  }

  private static Path inside(Path dir, String relative, String suffix) {
    if (relative.isEmpty() || !relative.endsWith(suffix) || relative.startsWith("/")) {
      return null;
    }
    Path p = dir.resolve(relative).normalize();
    // a record must not make recovery move or remove files outside the state directory
    return p.startsWith(dir) && p.getNameCount() == dir.getNameCount() + 3 ? p : null;
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace(File.separatorChar, '/');
  }

  private static String endLine(int changes, byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return "end " + changes + " " + String.format("%08x", crc.getValue()) + "\n";
  }

  /**
   * Where the end line starts: after the second-to-last newline of a record that ends in one; else
   * -1.
   */
  private static int bodyEnd(byte[] bytes) {
    int n = bytes.length;
    if (n < 2 || bytes[n - 1] != '\n') {
      return -1;
    }
    for (int i = n - 2; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private static List<String> lines(byte[] bytes, int length) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < length) {
      out.add(new String(bytes, start, length - start, StandardCharsets.UTF_8));
    }
    if (out.isEmpty()) {
      out.add("");
    }
    return out;
  }
}
