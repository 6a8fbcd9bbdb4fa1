package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class FabricCaTest {
  @TempDir Path dir;

  @Test
  void createsSelfSignedFabricCaWithOwnerOnlyPkcs8Key() throws Exception {
    Path fabricDir = FabricCa.createFabric(dir, "acme", KeyType.EC_P256);

    assertThat(fabricDir).isEqualTo(dir.resolve("acme"));
    Path caKey = fabricDir.resolve("ca.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caKey)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(caKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    X509Certificate ca = certificate(fabricDir.resolve("ca.crt"));
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=acme");
    assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getNotAfter().toInstant())
        .isCloseTo(Instant.now().plus(Duration.ofDays(3650)), within(1, ChronoUnit.DAYS));
    assertThat(ca.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(fabricDir)
        .isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_2048"})
  void createsPeerCertificateSignedByFabricCa(KeyType type) throws Exception {
    FabricCa.createFabric(dir, "acme", type);

    Path peerDir = FabricCa.createPeer(dir, "acme", "east", type);

    assertThat(peerDir).isEqualTo(dir.resolve("acme").resolve("east"));
    assertThat(peerDir.resolve("ca.crt"))
        .hasSameBinaryContentAs(dir.resolve("acme").resolve("ca.crt"));
    Path key = peerDir.resolve("tls.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    X509Certificate ca = certificate(peerDir.resolve("ca.crt"));
    X509Certificate cert = certificate(peerDir.resolve("tls.crt"));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=east");
    assertThat(PeerIdentity.fromCertificate(cert)).isEqualTo("east");
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getNotAfter().toInstant())
        .isCloseTo(Instant.now().plus(Duration.ofDays(365)), within(1, ChronoUnit.DAYS));
    assertChainVerifies(cert, ca);
    if (type == KeyType.RSA_2048) {
      assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
    } else {
      assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    }
    PrivateKey privateKey = PemFiles.privateKey(Files.readAllBytes(key), key, "a key");
    assertThat(privateKey.getAlgorithm()).isEqualTo(cert.getPublicKey().getAlgorithm());
  }

  @Test
  void createsPeerWithKeyTypeOtherThanCa() throws Exception {
    FabricCa.createFabric(dir, "acme", KeyType.RSA_2048);

    Path peerDir = FabricCa.createPeer(dir, "acme", "east", KeyType.EC_P256);

    X509Certificate cert = certificate(peerDir.resolve("tls.crt"));
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(cert.getSigAlgName()).isEqualToIgnoringCase("SHA256withRSA");
    assertChainVerifies(cert, certificate(peerDir.resolve("ca.crt")));
  }

  @Test
  void refusesToOverwriteFabric() throws Exception {
    Path fabricDir = FabricCa.createFabric(dir, "acme", KeyType.EC_P256);
    byte[] before = Files.readAllBytes(fabricDir.resolve("ca.crt"));

    assertThatThrownBy(() -> FabricCa.createFabric(dir, "acme", KeyType.EC_P256))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("fabric 'acme' already exists")
        .hasMessageContaining(fabricDir.resolve("ca.crt").toString());
    assertThat(Files.readAllBytes(fabricDir.resolve("ca.crt"))).isEqualTo(before);
  }

  @Test
  void refusesToOverwritePeer() throws Exception {
    TestFabrics.create(dir, "acme", KeyType.EC_P256, "east");
    Path cert = dir.resolve("acme/east/tls.crt");
    byte[] before = Files.readAllBytes(cert);

    assertThatThrownBy(() -> FabricCa.createPeer(dir, "acme", "east", KeyType.EC_P256))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("peer 'east' already exists")
        .hasMessageContaining(cert.toString());
    assertThat(Files.readAllBytes(cert)).isEqualTo(before);
  }

  @Test
  void refusesPeerOfFabricWithoutCaNamingTheMissingFile() {
    assertThatThrownBy(() -> FabricCa.createPeer(dir, "acme", "east", KeyType.EC_P256))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            dir.resolve("acme/ca.crt")
                + " does not exist (expected: the CA certificate of fabric 'acme')");
    assertThat(dir.resolve("acme/east")).doesNotExist();
  }

  @Test
  void refusesPeerWhenCaKeyDoesNotMatchCaCertificate() throws Exception {
    FabricCa.createFabric(dir, "acme", KeyType.EC_P256);
    FabricCa.createFabric(dir, "other", KeyType.EC_P256);
    Files.copy(
        dir.resolve("other/ca.key"),
        dir.resolve("acme/ca.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> FabricCa.createPeer(dir, "acme", "east", KeyType.EC_P256))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining(
            dir.resolve("acme/ca.key") + " does not match " + dir.resolve("acme/ca.crt"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"East", "../evil", "a/b", "", "-east", "east_1"})
  void refusesPeerNameThatIsNotDnsName(String name) {
    FabricCa.createFabric(dir, "acme", KeyType.EC_P256);

    assertThatThrownBy(() -> FabricCa.createPeer(dir, "acme", name, KeyType.EC_P256))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("peer: '" + name + "' (expected: a DNS name");
  }

  @Test
  void refusesFabricNameThatIsNotDnsName() {
    assertThatThrownBy(() -> FabricCa.createFabric(dir, "../acme", KeyType.EC_P256))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("fabric: '../acme' (expected: a DNS name");
    assertThat(dir).isEmptyDirectory();
  }

  private static X509Certificate certificate(Path file) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(
                    Files.readString(file).getBytes(StandardCharsets.US_ASCII)));
  }

  private static void assertChainVerifies(X509Certificate cert, X509Certificate ca)
      throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(cert)), params);
  }
}
