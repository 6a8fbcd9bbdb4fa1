package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The operator of a label selector requirement, spelled as in Kubernetes: {@code In}, {@code
 * NotIn}, {@code Exists}, {@code DoesNotExist}.
 */
public enum SelectorOperator {
  IN("In", true),
  NOT_IN("NotIn", true),
  EXISTS("Exists", false),
  DOES_NOT_EXIST("DoesNotExist", false);

  private final String text;
  private final boolean takesValues;

  SelectorOperator(String text, boolean takesValues) {
    this.text = text;
    this.takesValues = takesValues;
  }

  /** The spelling in YAML and JSON. */
  @JsonValue
  public String text() {
    return text;
  }

  /** True for In and NotIn, which need at least one value; the others take none. */
  public boolean takesValues() {
    return takesValues;
  }

  /**
   * Parses the YAML value, exactly as spelled.
   *
   * @throws InvalidObjectException naming the value and the choices (the caller adds the field)
   */
  @JsonCreator
  public static SelectorOperator parse(String value) {
    for (SelectorOperator o : values()) {
      if (o.text.equals(value)) {
        return o;
      }
    }
    throw new InvalidObjectException(
        (value == null ? "missing" : "'" + value + "'") + " (expected one of: " + texts() + ")");
  }

  /** The spellings, for error messages: {@code In, NotIn, Exists, DoesNotExist}. */
  public static String texts() {
    return Arrays.stream(values()).map(SelectorOperator::text).collect(Collectors.joining(", "));
  }
}
