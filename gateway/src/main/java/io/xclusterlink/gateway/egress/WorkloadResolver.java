package io.xclusterlink.gateway.egress;

import java.net.InetAddress;
import java.util.Map;

/**
 * Who a client of an import is: its attributes ({@code client.xclusterlink.io/namespace}, {@code
 * .../service-account}, {@code .../labels.<k>}) from its source address. Standalone, a {@link
 * WorkloadsFile}; on Kubernetes, the pods. Called on an event loop for every client connection, so
 * implementations answer from memory, without I/O; thread-safe.
 */
@FunctionalInterface
public interface WorkloadResolver {
  /** No client attributes for anyone. */
  WorkloadResolver NONE = address -> Map.of();

  /**
   * The client attributes of a connection from {@code address} (null: unknown), empty when none.
   */
  Map<String, String> attributesFor(InetAddress address);
}
