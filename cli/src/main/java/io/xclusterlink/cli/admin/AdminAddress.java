package io.xclusterlink.cli.admin;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Where a gateway's admin API is: its Unix socket, or a TCP listener's {@code http(s)://} URL. */
public sealed interface AdminAddress permits AdminAddress.Socket, AdminAddress.Url {
  /**
   * What {@code --admin} defaults to: the socket of a gateway started with {@code --state-dir
   * ./state}.
   */
  String DEFAULT = "./state/admin.sock";

  /** What {@link #parse} accepts, for error messages. */
  String EXPECTED =
      "a socket path such as "
          + DEFAULT
          + " or unix:///abs/path/admin.sock,"
          + " or a URL such as https://127.0.0.1:9443";

  /**
   * @param path the socket file
   */
  record Socket(Path path) implements AdminAddress {
    @Override
    public String toString() {
      return path.toString();
    }
  }

  /**
   * @param uri {@code http://host:port} or {@code https://host:port}, without a path
   */
  record Url(URI uri) implements AdminAddress {
    @Override
    public String toString() {
      return uri.toString();
    }
  }

  /**
   * {@code unix:///abs/path} or any other path is a socket; {@code http(s)://host:port} and a bare
   * {@code host:port} are a URL.
   *
   * @throws IllegalArgumentException with {@link #EXPECTED} when the value is neither
   */
  static AdminAddress parse(String value) {
    String text = value.strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("'" + value + "' (expected: " + EXPECTED + ")");
    }
    if (text.regionMatches(true, 0, "unix://", 0, 7)) {
      String path = text.substring(7);
      if (path.isEmpty()) {
        throw new IllegalArgumentException("'" + value + "' (expected: " + EXPECTED + ")");
      }
      return new Socket(Path.of(path));
    }
    if (!text.contains("://") && HOST_PORT.matcher(text).matches()) {
      text = "http://" + text;
    }
    if (!text.contains("://")) {
      return new Socket(Path.of(text));
    }
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + value + "' (expected: " + EXPECTED + ")", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || (uri.getPath() != null && !uri.getPath().isEmpty())
        || uri.getQuery() != null) {
      throw new IllegalArgumentException("'" + value + "' (expected: " + EXPECTED + ")");
    }
    return new Url(uri);
  }

  // a host or [IPv6] and a port, no slash: what --admin meant before it took socket paths
  Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^/:\\[\\]]+):[0-9]{1,5}");
}
