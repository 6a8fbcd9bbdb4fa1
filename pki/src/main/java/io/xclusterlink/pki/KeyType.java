package io.xclusterlink.pki;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The algorithm and size of a generated CA or peer key, named as the CLI spells it ({@code
 * ec-p256}).
 */
public enum KeyType {
  EC_P256("ec-p256"),
  RSA_2048("rsa-2048"),
  RSA_3072("rsa-3072"),
  RSA_4096("rsa-4096");

  private final String id;

  KeyType(String id) {
    this.id = id;
  }

  /** The name {@link #parse} accepts, such as {@code ec-p256}. */
  public String id() {
    return id;
  }

  /**
   * Reads a key type by its name, ignoring case: {@code ec-p256}, {@code rsa-2048}, {@code
   * rsa-3072} or {@code rsa-4096}.
   *
   * @throws PkiException naming the value and the expected ones
   */
  public static KeyType parse(String value) {
    if (value != null) {
      for (KeyType type : values()) {
        if (type.id.equalsIgnoreCase(value.trim())) {
          return type;
        }
      }
    }
    throw new PkiException(
        "key type: "
            + (value == null ? "null" : "'" + value + "'")
            + " (expected one of: "
            + expected()
            + ")");
  }

  /** The accepted names, comma-separated, for help texts and messages. */
  public static String expected() {
    return Arrays.stream(values()).map(KeyType::id).collect(Collectors.joining(", "));
  }
}
