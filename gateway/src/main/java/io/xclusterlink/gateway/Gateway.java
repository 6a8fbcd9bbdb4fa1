package io.xclusterlink.gateway;

import java.net.InetSocketAddress;

/**
 * One gateway: control plane and data plane for one peer. Construction does no I/O; {@link
 * #start()} binds the tunnel and admin ports and throws {@link GatewayStartException} with a
 * one-line message when it cannot (port in use, bad credentials); {@link #close()} stops
 * everything in reverse order.
 */
public final class Gateway implements AutoCloseable {
  private final GatewayConfig config;

  public Gateway(GatewayConfig config) {
    this.config = config;
  }

  public GatewayConfig config() {
    return config;
  }

  public Gateway start() {
    throw new UnsupportedOperationException("work in progress");
  }

  /** The bound gateway-to-gateway address (useful when the config asked for port 0). */
  public InetSocketAddress tunnelAddress() {
    throw new UnsupportedOperationException("work in progress");
  }

  /** The bound admin REST address. */
  public InetSocketAddress adminAddress() {
    throw new UnsupportedOperationException("work in progress");
  }

  @Override
  public void close() {}
}
