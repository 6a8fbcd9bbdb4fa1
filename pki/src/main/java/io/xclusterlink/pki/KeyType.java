package io.xclusterlink.pki;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The key algorithms a fabric or peer certificate can use; ECDSA P-256 is the default. */
public enum KeyType {
  EC_P256("ec-p256", "EC", 256, "SHA256withECDSA"),
  RSA_2048("rsa-2048", "RSA", 2048, "SHA256withRSA"),
  RSA_3072("rsa-3072", "RSA", 3072, "SHA256withRSA"),
  RSA_4096("rsa-4096", "RSA", 4096, "SHA256withRSA");

  private final String text;
  final String algorithm;
  final int bits;
  final String signature;

  KeyType(String text, String algorithm, int bits, String signature) {
    this.text = text;
    this.algorithm = algorithm;
    this.bits = bits;
    this.signature = signature;
  }

  public String text() {
    return text;
  }

  public static KeyType parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (KeyType k : values()) {
      if (k.text.equals(v)) {
        return k;
      }
    }
    throw new PkiException("key type: '" + value + "' (expected one of: "
        + Arrays.stream(values()).map(KeyType::text).collect(Collectors.joining(", ")) + ")");
  }
}
