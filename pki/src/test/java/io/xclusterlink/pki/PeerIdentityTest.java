package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerIdentityTest {
  @TempDir Path dir;

  @Test
  void namesPeerByFirstDnsNameOfCertificate() throws Exception {
    TestFabrics.create(dir, "acme", KeyType.EC_P256, "east.example");

    assertThat(PeerIdentity.fromCertificate(read(dir.resolve("acme/east.example/tls.crt"))))
        .isEqualTo("east.example");
  }

  @Test
  void refusesCertificateWithoutDnsName() throws Exception {
    TestFabrics.create(dir, "acme", KeyType.EC_P256);

    assertThatThrownBy(() -> PeerIdentity.fromCertificate(read(dir.resolve("acme/ca.crt"))))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "certificate 'CN=acme' has no DNS subject alternative name (expected: the peer name as a DNS SAN)");
  }

  private static X509Certificate read(Path file) throws Exception {
    return PemFiles.certificates(Files.readAllBytes(file), file, "a certificate").get(0);
  }
}
