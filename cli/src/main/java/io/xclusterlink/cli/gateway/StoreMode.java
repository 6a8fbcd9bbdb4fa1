package io.xclusterlink.cli.gateway;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Where a gateway keeps its objects: its own state folder, or a Kubernetes API server. */
enum StoreMode {
  STANDALONE,
  KUBERNETES;

  /** Reads {@code standalone} or {@code kubernetes}, in any case. */
  static final class Converter implements ITypeConverter<StoreMode> {
    @Override
    public StoreMode convert(String value) {
      try {
        return StoreMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' (expected: standalone or kubernetes)");
      }
    }
  }
}
