package io.xclusterlink.pki;

import java.nio.file.Path;

/** The three files of a peer: the fabric CA certificate, its own certificate and key. */
public record PeerCredentials(Path caCert, Path cert, Path key) {
  /** {@code peerDir/ca.crt}, {@code tls.crt}, {@code tls.key}. */
  public static PeerCredentials inDir(Path peerDir) {
    return new PeerCredentials(peerDir.resolve("ca.crt"), peerDir.resolve("tls.crt"), peerDir.resolve("tls.key"));
  }
}
