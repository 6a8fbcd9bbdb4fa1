package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SslProvider;
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
        assumeTrue(
            OpenSsl.isAvailable(), "netty-tcnative (BoringSSL) is not available on this platform");
      }
      TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(peerDir), this == OPENSSL);
      assertThat(tls.provider()).isEqualTo(label);
      return tls;
    }
  }

  private TestFabrics() {}

  /**
   * A client context like {@link TlsContexts#client()} that trusts {@code caCert} but presents the
   * certificate and key of {@code peerDir}: an impostor when that peer is of another fabric.
   */
  static SslContext clientTrusting(Path caCert, Path peerDir, Provider provider)
      throws IOException {
    if (provider == Provider.OPENSSL) {
      assumeTrue(
          OpenSsl.isAvailable(), "netty-tcnative (BoringSSL) is not available on this platform");
    }
    PeerCredentials own = PeerCredentials.inDir(peerDir);
    return SslContextBuilder.forClient()
        .sslProvider(provider == Provider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
        .keyManager(
            PemFiles.privateKey(Files.readAllBytes(own.key()), own.key(), "a key"),
            PemFiles.certificates(Files.readAllBytes(own.cert()), own.cert(), "a certificate"))
        .trustManager(PemFiles.certificates(Files.readAllBytes(caCert), caCert, "a CA certificate"))
        .protocols(SslProtocols.TLS_v1_3)
        .endpointIdentificationAlgorithm(null)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                Protocol.ALPN,
                SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2))
        .build();
  }

  /**
   * Creates fabric {@code fabric} in {@code dir} with the given peers; returns the fabric folder.
   */
  static Path create(Path dir, String fabric, KeyType type, String... peers) {
    Path fabricDir = FabricCa.createFabric(dir, fabric, type);
    for (String peer : peers) {
      FabricCa.createPeer(dir, fabric, peer, type);
    }
    return fabricDir;
  }

  /**
   * Replaces the three credential files of {@code to} with those of {@code from}, each atomically.
   */
  static void replaceCredentials(Path from, Path to) throws IOException {
    for (String file :
        List.of(
            PeerCredentials.CA_CERT_FILE, PeerCredentials.CERT_FILE, PeerCredentials.KEY_FILE)) {
      Path tmp = to.resolve("." + file + ".new");
      Files.copy(from.resolve(file), tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, to.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
