package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a matching policy decides: written in YAML as {@code allow} or {@code deny}. */
public enum PolicyAction {
  ALLOW("allow"),
  DENY("deny");

  private final String text;

  PolicyAction(String text) {
    this.text = text;
  }

  /** The spelling in YAML and JSON. */
  @JsonValue
  public String text() {
    return text;
  }

  /**
   * Parses the YAML value, exactly as spelled ({@code Allow} is refused).
   *
   * @throws InvalidObjectException naming the value and the choices (the caller adds the field)
   */
  @JsonCreator
  public static PolicyAction parse(String value) {
    for (PolicyAction a : values()) {
      if (a.text.equals(value)) {
        return a;
      }
    }
    throw new InvalidObjectException(
        (value == null ? "missing" : "'" + value + "'") + " (expected one of: " + texts() + ")");
  }

  /** The spellings, for error messages: {@code allow, deny}. */
  public static String texts() {
    return Arrays.stream(values()).map(PolicyAction::text).collect(Collectors.joining(", "));
  }
}
