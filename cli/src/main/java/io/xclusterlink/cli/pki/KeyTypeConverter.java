package io.xclusterlink.cli.pki;

import io.xclusterlink.pki.KeyType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --key-type} as {@link KeyType#parse} accepts it; a bad one is a usage error. */
final class KeyTypeConverter implements ITypeConverter<KeyType> {
  static final String EXPECTED = "ec-p256, rsa-2048, rsa-3072, rsa-4096";

  @Override
  public KeyType convert(String value) {
    try {
      return KeyType.parse(value);
    } catch (RuntimeException e) {
      throw new TypeConversionException("'" + value + "' (expected one of: " + EXPECTED + ")");
    }
  }
}
