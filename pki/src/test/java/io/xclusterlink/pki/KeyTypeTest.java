package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyTypeTest {
  @Test
  void parsesNamesIgnoringCase() {
    assertThat(KeyType.parse("ec-p256")).isEqualTo(KeyType.EC_P256);
    assertThat(KeyType.parse("RSA-2048")).isEqualTo(KeyType.RSA_2048);
    assertThat(KeyType.parse("Rsa-3072")).isEqualTo(KeyType.RSA_3072);
    assertThat(KeyType.parse("rsa-4096")).isEqualTo(KeyType.RSA_4096);
  }

  @Test
  void refusesUnknownNameListingExpectedValues() {
    assertThatThrownBy(() -> KeyType.parse("dsa-1024"))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "key type: 'dsa-1024' (expected one of: ec-p256, rsa-2048, rsa-3072, rsa-4096)");
  }

  @Test
  void refusesMissingNameInOneLine() {
    assertThatThrownBy(() -> KeyType.parse(null))
        .hasMessage("key type: null (expected one of: ec-p256, rsa-2048, rsa-3072, rsa-4096)");
    assertThatThrownBy(() -> KeyType.parse("ec\np256"))
        .hasMessage("key type: 'ec p256' (expected one of: ec-p256, rsa-2048, rsa-3072, rsa-4096)");
  }
}
