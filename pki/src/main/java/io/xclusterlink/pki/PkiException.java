package io.xclusterlink.pki;

/**
 * A certificate, key or credentials folder that is missing, unreadable or not what was expected;
 * the message is one line that names the file or value and what was expected.
 */
public class PkiException extends RuntimeException {
  public PkiException(String message) {
    super(oneLine(message));
  }

  public PkiException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  // Messages reach CLI output and single log lines; a value or cause with line breaks must not
  // split them.
  private static String oneLine(String message) {
    return message == null ? null : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
