package io.xclusterlink.cli.gateway;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code host:port}, {@code [v6]:port} or {@code :port} (loopback) into a resolved socket
 * address; port 0 asks for any free port.
 */
final class HostPortConverter implements ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String value) {
    String text = value.trim();
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(value);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw invalid(value);
    }
    if (host.isEmpty()) {
      host = "127.0.0.1";
    }
    int port = PortConverter.parse(text.substring(colon + 1), value);
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new TypeConversionException("'" + value + "': cannot resolve host '" + host + "'");
    }
    return address;
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' (expected: HOST:PORT such as 127.0.0.1:9443)");
  }
}
