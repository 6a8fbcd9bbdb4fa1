package io.xclusterlink.gateway.ingress;

import io.xclusterlink.api.Export;

/**
 * Where an export's backend is: its {@code spec.host} standalone; on Kubernetes, for an export
 * without a host, the cluster IP of the Service of the same name. Called on an event loop for every
 * tunnel, so implementations answer from memory, without I/O; thread-safe.
 */
@FunctionalInterface
public interface BackendResolver {
  /** The export's own {@code spec.host} and {@code spec.port}; null when it names no host. */
  BackendResolver SPEC =
      export ->
          export.spec().host() == null || export.spec().host().isBlank()
              ? null
              : new Backend(export.spec().host(), export.spec().port());

  /** The address to dial for {@code export}, or null when it is not known (yet). */
  Backend resolve(Export export);

  /** A backend's host name or IP and port. */
  record Backend(String host, int port) {}
}
