package io.xclusterlink.cli.demo;

import io.xclusterlink.cli.admin.AdminAddress;
import java.nio.file.Path;

/**
 * One peer of the demo: its name, the loopback port of its gateway, its state folder (which holds
 * the admin socket) and the port of the service it exports.
 */
record DemoPeer(String name, int gatewayPort, Path stateDir, int servicePort) {
  static final String HOST = "127.0.0.1";

  /** The gateway's admin socket, {@code STATE/admin.sock}. */
  AdminAddress.Socket admin() {
    return new AdminAddress.Socket(stateDir.resolve("admin.sock"));
  }

  /** What the peer's service answers, one line. */
  String greeting() {
    return "hello from " + name;
  }
}
