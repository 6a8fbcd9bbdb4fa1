package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Fabrics and peer credentials created on disk for a test, and the TLS providers to test with. */
final class TestFabrics {
  /** The TLS implementations {@link TlsContexts} can build contexts with. */
  enum Provider {
    OPENSSL("OpenSSL"),
    JDK("JDK");

    final String label;

    Provider(String label) {
      this.label = label;
    }

    /** Contexts of a peer with this provider; skips the test where OpenSSL is not available. */
    TlsContexts load(Path peerDir) {
      if (this == OPENSSL) {
        assumeTrue(OpenSsl.isAvailable(), "netty-tcnative (BoringSSL) is not available on this platform");
      }
      TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(peerDir), this == OPENSSL);
      assertThat(tls.provider()).isEqualTo(label);
      return tls;
    }
  }

  private TestFabrics() {}

  /** Creates fabric {@code fabric} in {@code dir} with the given peers; returns the fabric folder. */
  static Path create(Path dir, String fabric, KeyType type, String... peers) {
    Path fabricDir = FabricCa.createFabric(dir, fabric, type);
    for (String peer : peers) {
      FabricCa.createPeer(dir, fabric, peer, type);
    }
    return fabricDir;
  }

  /** Replaces the three credential files of {@code to} with those of {@code from}, each atomically. */
  static void replaceCredentials(Path from, Path to) throws IOException {
    for (String file : List.of(PeerCredentials.CA_CERT_FILE, PeerCredentials.CERT_FILE, PeerCredentials.KEY_FILE)) {
      Path tmp = to.resolve("." + file + ".new");
      Files.copy(from.resolve(file), tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, to.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
