package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.netty.handler.ssl.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsContextsTest {
  @TempDir Path dir;
  Path east;

  @BeforeEach
  void createFabrics() {
    TestFabrics.create(dir, "acme", KeyType.EC_P256, "east", "west");
    TestFabrics.create(dir, "rogue", KeyType.EC_P256, "east");
    east = dir.resolve("acme/east");
  }

  @Test
  void loadsPeerFolderAsGenerationOne() {
    try (TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), false)) {
      assertThat(tls.localPeerName()).isEqualTo("east");
      assertThat(tls.generation()).isEqualTo(1);
      assertThat(tls.provider()).isEqualTo("JDK");
      assertThat(tls.server().isServer()).isTrue();
      assertThat(tls.client().isClient()).isTrue();
      assertThat(tls.server().applicationProtocolNegotiator().protocols()).containsExactly("h2");
      assertThat(tls.client().cipherSuites())
          .startsWith("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
    }
  }

  @Test
  void prefersOpenSslWhereAvailable() {
    try (TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), true)) {
      assertThat(tls.provider()).isEqualTo(OpenSsl.isAvailable() ? "OpenSSL" : "JDK");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca.crt", "tls.crt", "tls.key"})
  void refusesMissingFileNamingIt(String file) throws Exception {
    Files.delete(east.resolve(file));

    assertThatThrownBy(() -> TlsContexts.load(PeerCredentials.inDir(east), false))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith(east.resolve(file) + " does not exist (expected: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesKeyThatDoesNotMatchCertificate() throws Exception {
    Files.copy(
        dir.resolve("acme/west/tls.key"),
        east.resolve("tls.key"),
        StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> TlsContexts.load(PeerCredentials.inDir(east), false))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            east.resolve("tls.key")
                + " does not match "
                + east.resolve("tls.crt")
                + " (expected: the private key of that certificate)");
  }

  @Test
  void refusesCertificateNotSignedByFabricCa() throws Exception {
    Files.copy(
        dir.resolve("rogue/east/tls.crt"),
        east.resolve("tls.crt"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        dir.resolve("rogue/east/tls.key"),
        east.resolve("tls.key"),
        StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> TlsContexts.load(PeerCredentials.inDir(east), false))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith(
            east.resolve("tls.crt") + " is not signed by " + east.resolve("ca.crt"));
  }

  @Test
  void refusesCertificateWithoutPeerName() throws Exception {
    // the CA certificate is signed by itself but names no peer
    Files.copy(
        dir.resolve("acme/ca.crt"), east.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        dir.resolve("acme/ca.key"), east.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> TlsContexts.load(PeerCredentials.inDir(east), false))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            east.resolve("tls.crt")
                + ": certificate 'CN=acme' has no DNS subject alternative name"
                + " (expected: the peer name as a DNS SAN)");
  }

  @Test
  void refusesFileThatIsNotPem() throws Exception {
    Files.writeString(east.resolve("ca.crt"), "not a certificate\n");

    assertThatThrownBy(() -> TlsContexts.load(PeerCredentials.inDir(east), false))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            east.resolve("ca.crt")
                + " holds no PEM certificate (expected: the fabric CA certificate (PEM))");
  }

  @Test
  void keepsGenerationWhenFilesAreUnchanged() throws Exception {
    try (TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), false)) {
      // rewritten with the same content: a new mtime, nothing to reload
      Files.write(east.resolve("tls.crt"), Files.readAllBytes(east.resolve("tls.crt")));

      assertThat(tls.reloadIfChanged()).isFalse();
      assertThat(tls.generation()).isEqualTo(1);
    }
  }

  @Test
  void reloadsReplacedCredentialsAndTellsListeners() throws Exception {
    try (TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), false)) {
      var before = tls.server();
      List<Long> seen = new CopyOnWriteArrayList<>();
      tls.addReloadListener(() -> seen.add(tls.generation()));

      TestFabrics.replaceCredentials(dir.resolve("rogue/east"), east);

      assertThat(tls.reloadIfChanged()).isTrue();
      assertThat(tls.generation()).isEqualTo(2);
      assertThat(seen).containsExactly(2L);
      assertThat(tls.server()).isNotSameAs(before);
      assertThat(tls.reloadIfChanged()).isFalse();
    }
  }

  @Test
  void refusesHalfWrittenKeyWithOneWarnLineAndKeepsContexts() throws Exception {
    try (LogCapture logs = new LogCapture(TlsContexts.class);
        TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), false)) {
      var server = tls.server();
      var client = tls.client();
      AtomicInteger reloads = new AtomicInteger();
      tls.addReloadListener(reloads::incrementAndGet);
      byte[] key = Files.readAllBytes(east.resolve("tls.key"));
      Files.write(east.resolve("tls.key"), Arrays.copyOf(key, key.length / 2));

      assertThat(tls.reloadIfChanged()).isFalse();
      assertThat(tls.reloadIfChanged()).isFalse();

      assertThat(tls.generation()).isEqualTo(1);
      assertThat(tls.server()).isSameAs(server);
      assertThat(tls.client()).isSameAs(client);
      assertThat(reloads).hasValue(0);
      assertThat(logs.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains(east.resolve("tls.key").toString(), "keeping generation 1")
          .doesNotContain("\n");
      assertNoKeyMaterial(logs, key);

      // once the writer finishes, the next check loads it
      TestFabrics.replaceCredentials(dir.resolve("rogue/east"), east);
      assertThat(tls.reloadIfChanged()).isTrue();
      assertThat(tls.generation()).isEqualTo(2);
      assertNoKeyMaterial(logs, Files.readAllBytes(east.resolve("tls.key")));
    }
  }

  @Test
  void refusesReplacementWhoseKeyDoesNotMatch() throws Exception {
    try (LogCapture logs = new LogCapture(TlsContexts.class);
        TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), false)) {
      // only the certificate was replaced so far
      Files.copy(
          dir.resolve("rogue/east/tls.crt"),
          east.resolve("tls.crt"),
          StandardCopyOption.REPLACE_EXISTING);

      assertThat(tls.reloadIfChanged()).isFalse();

      assertThat(tls.generation()).isEqualTo(1);
      assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("does not match");
    }
  }

  @Test
  void watcherReloadsChangedCredentialsOnItsOwnThread() throws Exception {
    try (TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), false)) {
      List<String> threads = new CopyOnWriteArrayList<>();
      tls.addReloadListener(() -> threads.add(Thread.currentThread().getName()));
      tls.startWatching(Duration.ofMillis(20));

      TestFabrics.replaceCredentials(dir.resolve("rogue/east"), east);

      await().atMost(Duration.ofSeconds(10)).until(tls::generation, g -> g == 2);
      assertThat(threads).containsExactly("xcl-tls-watch");
    }
  }

  @Test
  void refusesWatchingTwiceOrWithoutInterval() {
    try (TlsContexts tls = TlsContexts.load(PeerCredentials.inDir(east), false)) {
      assertThatThrownBy(() -> tls.startWatching(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("interval: PT0S (expected: > 0)");
      tls.startWatching(Duration.ofSeconds(1));
      assertThatThrownBy(() -> tls.startWatching(Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  private static void assertNoKeyMaterial(LogCapture logs, byte[] keyPem) {
    List<String> base64Lines =
        new String(keyPem, StandardCharsets.US_ASCII)
            .lines()
            .filter(line -> !line.startsWith("-----") && line.length() > 16)
            .toList();
    for (String message : logs.all()) {
      for (String line : base64Lines) {
        assertThat(message).doesNotContain(line.substring(0, 16));
      }
    }
  }
}
