package io.xclusterlink.cli.objects;

import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a KIND argument as {@link Kind#parse} accepts it; a bad one is a usage error. */
final class KindConverter implements ITypeConverter<Kind> {
  @Override
  public Kind convert(String value) {
    try {
      return Kind.parse(value);
    } catch (InvalidObjectException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' (expected one of: peer, export, import, accesspolicy, privilegedaccesspolicy)");
    }
  }
}
