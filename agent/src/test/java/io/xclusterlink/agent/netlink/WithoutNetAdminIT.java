package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Without CAP_NET_ADMIN the adapter can still read, and its first write fails with one message
 * naming the capability. The child JVM runs as root with CAP_NET_ADMIN dropped from its bounding
 * set ({@code setpriv}), inside a namespace of its own.
 */
class WithoutNetAdminIT {

  @Test
  void writingWithoutNetAdminFailsWithOneMessageNamingTheCapability() throws Exception {
    assumeTrue(NetworkNamespace.root(), "needs root: creates network namespaces");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      String out =
          NetworkNamespace.javaWithout(
              "net_admin", ProgramOneNexthopMain.class, "ip", "netns", "exec", ns.name);
      assertThat(out)
          .contains("observed 0 objects")
          .contains(
              "refused: add nexthop 21 via 127.0.0.2 dev lo: needs CAP_NET_ADMIN to program nexthops "
                  + "(run as root or grant the capability)");
      assertThat(ns.ip("nexthop", "show")).isBlank();
    }
  }
}
