package io.xclusterlink.kube;

import io.xclusterlink.admin.Admission;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.Store;

/**
 * Admission of the admin API in Kubernetes mode: the same validation as standalone, except that an
 * Export may omit {@code spec.host} (it then stands for the Service of its name); objects outside
 * the watch namespace are refused (the gateway would never see them); an import re-applied without
 * its target port keeps the one it has.
 */
final class KubeAdmission implements Admission {
  private final Store store;
  private final String watchNamespace;

  KubeAdmission(Store store, String watchNamespace) {
    this.store = store;
    this.watchNamespace = watchNamespace;
  }

  @Override
  public XclObject admit(XclObject incoming) {
    Validation.validate(incoming, false);
    if (watchNamespace != null
        && incoming.kind().namespaced()
        && !watchNamespace.equals(incoming.metadata().namespace())) {
      throw new InvalidObjectException(
          incoming.kind().kindName()
              + " "
              + incoming.metadata().namespace()
              + "/"
              + incoming.metadata().name()
              + ": metadata.namespace: '"
              + incoming.metadata().namespace()
              + "' (expected: the watch namespace '"
              + watchNamespace
              + "')");
    }
    if (incoming instanceof Import imp && imp.spec().targetPort() == null) {
      return store
          .get(imp.key())
          .map(o -> ((Import) o).spec().targetPort())
          .map(p -> (XclObject) imp.withSpec(imp.spec().withTargetPort(p)))
          .orElse(incoming);
    }
    return incoming;
  }
}
