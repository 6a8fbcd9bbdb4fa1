package io.xclusterlink.api;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How an import spreads client connections over its sources. */
public enum LbScheme {
  ROUND_ROBIN("round-robin"),
  RANDOM("random"),
  STATIC("static");

  private final String text;

  LbScheme(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** Parses the YAML value; null or empty means the default, round-robin. */
  public static LbScheme parse(String value) {
    if (value == null || value.isEmpty()) {
      return ROUND_ROBIN;
    }
    for (LbScheme s : values()) {
      if (s.text.equals(value)) {
        return s;
      }
    }
    throw new InvalidObjectException(
        "spec.lbScheme: '" + value + "' (expected one of: " + texts() + ")");
  }

  static String texts() {
    return Arrays.stream(values()).map(LbScheme::text).collect(Collectors.joining(", "));
  }
}
