package io.xclusterlink.admin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how the admin API listens: always on a Unix domain socket (mode 0600, only the
 * gateway's own user and root may talk to it), and optionally on a TCP address that requires an
 * admin certificate or a bearer token.
 *
 * @param socket the Unix domain socket, by default {@code <state-dir>/admin.sock}
 * @param tcp the TCP listener, or null for none (the default)
 * @param limits what one stranger may cost
 */
public record AdminConfig(Path socket, AdminTcp tcp, AdminLimits limits) {
  /** The name of the socket in the state folder. */
  public static final String SOCKET_FILE = "admin.sock";

  public AdminConfig {
    Objects.requireNonNull(socket, "socket");
    limits = limits == null ? AdminLimits.DEFAULT : limits;
  }

  /** The socket {@code <stateDir>/admin.sock}, no TCP listener, default limits. */
  public static AdminConfig inStateDir(Path stateDir) {
    return new AdminConfig(stateDir.resolve(SOCKET_FILE), null, AdminLimits.DEFAULT);
  }

  public AdminConfig withTcp(AdminTcp t) {
    return new AdminConfig(socket, t, limits);
  }

  public AdminConfig withLimits(AdminLimits l) {
    return new AdminConfig(socket, tcp, l);
  }
}
