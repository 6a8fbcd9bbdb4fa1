package io.xclusterlink.api.schema;

/**
 * The values behind the schema annotations, shared with {@code Validation} so that admission and
 * the CRD schema enforce the same bounds and patterns. Patterns are anchored and use only syntax
 * that Java and ECMA-262 (the regex dialect of OpenAPI and JSON Schema) read alike.
 */
public final class Constraints {
  /** A lower-case DNS label or subdomain: letters, digits, '-' and '.'. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  /** Names are at most 63 characters (a DNS label), so they fit a Service name and a SAN. */
  public static final int NAME_MAX_LENGTH = 63;

  /** A label or attribute key: letters, digits, '-', '_', '.', '/', alphanumeric at both ends. */
  public static final String LABEL_KEY_PATTERN = "^[a-z0-9A-Z]([-a-z0-9A-Z_./]*[a-z0-9A-Z])?$";

  public static final int LABEL_KEY_MAX_LENGTH = 253;

  /** A host name or IP address: no whitespace. */
  public static final String HOST_PATTERN = "^\\S+$";

  public static final int HOST_MAX_LENGTH = 253;

  public static final int PORT_MIN = 1;
  public static final int PORT_MAX = 65535;

  public static final int WEIGHT_MIN = 1;
  public static final int WEIGHT_MAX = 1000;

  private Constraints() {}
}
