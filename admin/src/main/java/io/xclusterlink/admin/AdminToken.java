package io.xclusterlink.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The bearer token of the TCP admin listener, read once at start from a file only its owner may
 * read. Compared in constant time; never printed ({@link #toString()} hides it).
 */
final class AdminToken {
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final byte[] digest;

  private AdminToken(byte[] digest) {
    this.digest = digest;
  }

  /**
   * Reads the token: the file's content without surrounding white space.
   *
   * @throws AdminStartException when the file is missing, readable by others than its owner, or
   *     empty
   */
  static AdminToken read(Path file) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream().anyMatch(OTHERS::contains)) {
        throw new AdminStartException(
            "admin token file "
                + file
                + ": mode "
                + PosixFilePermissions.toString(mode)
                + " (expected: rw------- (0600), readable by the gateway's user only)",
            null);
      }
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new AdminStartException(
            "admin token file " + file + ": empty (expected: a token)", null);
      }
      return new AdminToken(sha256(token));
    } catch (IOException e) {
      throw new AdminStartException(
          "admin token file "
              + file
              + " cannot be read: "
              + e
              + " (expected: a file of mode 0600 holding the token)",
          e);
    }
  }

  /** Whether {@code presented} is the token; as long whatever the answer (hashes are compared). */
  boolean matches(String presented) {
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "AdminToken[hidden]";
  }
}
