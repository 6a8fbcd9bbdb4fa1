package io.xclusterlink.admin;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The optional TCP listener of the admin API. It needs {@code mutualTls} (TLS with this peer's
 * certificate; a client certificate made by {@code xcl admin-cert create} authenticates), or a
 * {@code tokenFile} (mode 0600; {@code Authorization: Bearer TOKEN}), or both; an address beyond
 * loopback needs {@code mutualTls}. {@link AdminServer#start()} enforces both rules.
 *
 * @param address where to listen
 * @param mutualTls serve TLS and accept admin certificates of the fabric
 * @param tokenFile a file holding the bearer token, or null
 */
public record AdminTcp(InetSocketAddress address, boolean mutualTls, Path tokenFile) {
  public AdminTcp {
    Objects.requireNonNull(address, "address");
  }
}
