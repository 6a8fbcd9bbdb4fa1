package io.xclusterlink.cli.demo;

import java.net.URI;

/**
 * One peer of the demo: its name and the loopback ports of its gateway, its admin API and the
 * service it exports.
 */
record DemoPeer(String name, int gatewayPort, int adminPort, int servicePort) {
  static final String HOST = "127.0.0.1";

  URI adminUrl() {
    return URI.create("http://" + HOST + ":" + adminPort);
  }

  /** What the peer's service answers, one line. */
  String greeting() {
    return "hello from " + name;
  }
}
