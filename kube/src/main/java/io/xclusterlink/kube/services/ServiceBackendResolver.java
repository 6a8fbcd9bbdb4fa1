package io.xclusterlink.kube.services;

import io.fabric8.kubernetes.api.model.Service;
import io.xclusterlink.api.Export;
import io.xclusterlink.gateway.ingress.BackendResolver;

/**
 * Backends in Kubernetes mode: an export's own {@code spec.host} when it names one, else the
 * cluster IP of the Service of the same name and namespace, on the export's port. From the Service
 * cache, so a tunnel costs no API call.
 */
public final class ServiceBackendResolver implements BackendResolver {
  private final ServiceCache services;

  public ServiceBackendResolver(ServiceCache services) {
    this.services = services;
  }

  @Override
  public Backend resolve(Export export) {
    Backend own = SPEC.resolve(export);
    if (own != null) {
      return own;
    }
    String ip = clusterIp(services.get(export.metadata().namespace(), export.metadata().name()));
    return ip == null ? null : new Backend(ip, export.spec().port());
  }

  /** The Service's cluster IP, or null when it has none (absent, headless, not yet assigned). */
  static String clusterIp(Service s) {
    if (s == null || s.getSpec() == null) {
      return null;
    }
    String ip = s.getSpec().getClusterIP();
    return ip == null || ip.isBlank() || ip.equals("None") ? null : ip;
  }
}
