package io.xclusterlink.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes the PEM files of a fabric: certificates, PKCS#8 private keys, written atomically
 * with key files readable by the owner only.
 */
final class PemFiles {
  static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> CERT_MODE = PosixFilePermissions.fromString("rw-r--r--");

  // Credentials are a few kB; anything far larger is the wrong file, not something to read into
  // memory.
  private static final long MAX_BYTES = 1 << 20;

  private PemFiles() {}

  /**
   * The bytes of a credentials file; {@code expected} says what it should hold, for the message.
   */
  static byte[] read(Path file, String expected) {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new PkiException(
            file
                + ": "
                + size
                + " bytes (expected: "
                + expected
                + ", at most "
                + MAX_BYTES
                + " bytes)");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new PkiException(file + " does not exist (expected: " + expected + ")", e);
    } catch (AccessDeniedException e) {
      throw new PkiException(file + " is not readable (expected: " + expected + ")", e);
    } catch (IOException e) {
      throw new PkiException(
          "cannot read " + file + ": " + e.getMessage() + " (expected: " + expected + ")", e);
    }
  }

  /** The certificates in PEM text, in file order; at least one. */
  static List<X509Certificate> certificates(byte[] pem, Path file, String expected) {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = parser(pem)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          certs.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new PkiException(
          file
              + " is not a valid PEM certificate: "
              + e.getMessage()
              + " (expected: "
              + expected
              + ")",
          e);
    }
    if (certs.isEmpty()) {
      throw new PkiException(file + " holds no PEM certificate (expected: " + expected + ")");
    }
    return certs;
  }

  /**
   * The first private key in PEM text (PKCS#8 or the traditional EC/RSA form), as a JDK key object.
   */
  static PrivateKey privateKey(byte[] pem, Path file, String expected) {
    Object found = null;
    // Parser messages are left out and not chained: whatever they quote comes from a key file.
    try (PEMParser parser = parser(pem)) {
      for (Object o = parser.readObject(); o != null && found == null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo
            || o instanceof PEMKeyPair
            || o instanceof PKCS8EncryptedPrivateKeyInfo
            || o instanceof PEMEncryptedKeyPair) {
          found = o;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new PkiException(
          file
              + " is not a readable PEM private key, perhaps incomplete (expected: "
              + expected
              + ")");
    }
    if (found == null) {
      throw new PkiException(file + " holds no PEM private key (expected: " + expected + ")");
    }
    if (found instanceof PKCS8EncryptedPrivateKeyInfo || found instanceof PEMEncryptedKeyPair) {
      throw new PkiException(
          file + " holds an encrypted private key (expected: " + expected + ", unencrypted)");
    }
    PrivateKeyInfo info =
        found instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : (PrivateKeyInfo) found;
    try {
      // No provider set: the JDK's own key factories, so that the JDK TLS engine signs with them
      // natively.
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new PkiException(
          file
              + " holds a private key of an unsupported or damaged form (expected: "
              + expected
              + ")");
    }
  }

  /** Certificates as PEM text. */
  static byte[] encode(List<X509Certificate> certs) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate cert : certs) {
        writer.writeObject(cert);
      }
    } catch (IOException e) {
      throw new PkiException("cannot encode certificate as PEM: " + e.getMessage(), e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A private key as unencrypted PKCS#8 PEM ({@code PRIVATE KEY}), which both Netty TLS providers
   * read.
   */
  static byte[] encode(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new PkiException(
          "cannot encode a " + key.getAlgorithm() + " private key as PKCS#8 PEM");
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Writes a file atomically: a temporary file in the same folder, flushed to disk, then renamed
   * over the target, so that a reader sees the old content or the new, never a part.
   */
  static void write(Path file, byte[] content, boolean secret) {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp = null;
    try {
      // Created owner-only from the start, so a key is never readable by others, not even briefly.
      tmp =
          posix
              ? Files.createTempFile(
                  dir,
                  "." + file.getFileName() + ".",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(KEY_MODE))
              : Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try (FileChannel channel =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (posix) {
        Files.setPosixFilePermissions(tmp, secret ? KEY_MODE : CERT_MODE);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new PkiException("cannot write " + file + ": " + e, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the write already failed and says so; a leftover temporary file is harmless
        }
      }
    }
  }

  private static PEMParser parser(byte[] pem) {
    return new PEMParser(
        new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII));
  }
}
