package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How an import spreads client connections over its sources. Written in YAML as {@code
 * round-robin}, {@code random} or {@code static}; an absent or empty value means round-robin.
 */
public enum LbScheme {
  ROUND_ROBIN("round-robin"),
  RANDOM("random"),
  STATIC("static");

  private final String text;

  LbScheme(String text) {
    this.text = text;
  }

  /** The spelling in YAML and JSON. */
  @JsonValue
  public String text() {
    return text;
  }

  /**
   * Parses the YAML value; null or empty means the default, round-robin.
   *
   * @throws InvalidObjectException naming the value and the choices (the caller adds the field)
   */
  @JsonCreator
  public static LbScheme parse(String value) {
    if (value == null || value.isEmpty()) {
      return ROUND_ROBIN;
    }
    for (LbScheme s : values()) {
      if (s.text.equals(value)) {
        return s;
      }
    }
    throw new InvalidObjectException("'" + value + "' (expected one of: " + texts() + ")");
  }

  /** The spellings, for error messages: {@code round-robin, random, static}. */
  public static String texts() {
    return Arrays.stream(values()).map(LbScheme::text).collect(Collectors.joining(", "));
  }
}
