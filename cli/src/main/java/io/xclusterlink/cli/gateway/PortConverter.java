package io.xclusterlink.cli.gateway;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a port number 0-65535, where 0 asks for any free port. */
final class PortConverter implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    return parse(value, value);
  }

  /** The port in {@code text}; {@code original} is the whole value, for the message. */
  static int parse(String text, String original) {
    try {
      int p = Integer.parseInt(text.trim());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below, with the expectation
    }
    throw new TypeConversionException("'" + original + "' (expected: a port 0-65535)");
  }
}
