package io.xclusterlink.pki;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The three PEM files of one peer: the fabric CA certificate it trusts, its own certificate and its
 * private key.
 */
public record PeerCredentials(Path caCert, Path cert, Path key) {
  static final String CA_CERT_FILE = "ca.crt";
  static final String CERT_FILE = "tls.crt";
  static final String KEY_FILE = "tls.key";

  public PeerCredentials {
    Objects.requireNonNull(caCert, "caCert");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
  }

  /** The credentials in a peer folder: {@code ca.crt}, {@code tls.crt} and {@code tls.key}. */
  public static PeerCredentials inDir(Path peerDir) {
    Objects.requireNonNull(peerDir, "peerDir");
    return new PeerCredentials(
        peerDir.resolve(CA_CERT_FILE), peerDir.resolve(CERT_FILE), peerDir.resolve(KEY_FILE));
  }
}
