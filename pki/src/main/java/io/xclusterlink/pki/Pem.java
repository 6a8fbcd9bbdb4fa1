package io.xclusterlink.pki;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Reading and atomically writing PEM certificates and PKCS#8 keys. */
final class Pem {
  private Pem() {}

  static X509Certificate readCertificate(Path file) {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new PkiException(file + ": cannot read (" + e.getMessage() + ")", e);
    } catch (CertificateException | ClassCastException e) {
      throw new PkiException(file + ": not a PEM X.509 certificate (expected: -----BEGIN CERTIFICATE-----)", e);
    }
  }

  static PrivateKey readPrivateKey(Path file) {
    Object o;
    try (PEMParser p = new PEMParser(Files.newBufferedReader(file))) {
      o = p.readObject();
    } catch (IOException e) {
      throw new PkiException(file + ": cannot read a PEM private key (" + e.getMessage() + ")", e);
    }
    try {
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return conv.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new PkiException(file + ": unreadable private key (" + e.getMessage() + ")", e);
    }
    throw new PkiException(file + ": no private key found (expected: -----BEGIN PRIVATE KEY-----)");
  }

  static String encode(Object certOrKey) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      if (certOrKey instanceof PrivateKey k) {
        w.writeObject(new JcaPKCS8Generator(k, null));
      } else {
        w.writeObject(certOrKey);
      }
    } catch (IOException e) {
      throw new PkiException("cannot encode PEM: " + e.getMessage(), e);
    }
    return sw.toString();
  }

  /** Writes through a temp file and an atomic rename; {@code secret} files get mode 0600. */
  static void write(Path file, String text, boolean secret) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
      Files.writeString(tmp, text);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new PkiException(file + ": cannot write (" + e.getMessage() + ")", e);
    }
  }
}
