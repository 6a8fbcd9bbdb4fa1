package io.xclusterlink.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import io.xclusterlink.store.EmbeddedStore;
import io.xclusterlink.store.Store;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeAdmissionTest {
  @TempDir Path dir;

  static Export export(String ns, String host) {
    return new Export(ObjectMeta.of("web", ns), new Export.Spec(host, 8080), Status.EMPTY);
  }

  static Import imp(Integer targetPort) {
    return new Import(
        ObjectMeta.of("db", "shop"),
        new Import.Spec(5432, targetPort, List.of(new Import.Source("p0", "db", "shop")), null),
        Status.EMPTY);
  }

  @Test
  void anExportMayOmitItsHost() {
    try (Store store = EmbeddedStore.open(dir)) {
      KubeAdmission admission = new KubeAdmission(store, null);
      assertThat(admission.admit(export("shop", null))).isEqualTo(export("shop", null));
      assertThat(admission.admit(export("other", "10.0.0.1"))).isNotNull();
    }
  }

  @Test
  void objectsOutsideTheWatchNamespaceAreRefused() {
    try (Store store = EmbeddedStore.open(dir)) {
      KubeAdmission admission = new KubeAdmission(store, "shop");
      assertThatThrownBy(() -> admission.admit(export("other", null)))
          .isInstanceOf(InvalidObjectException.class)
          .hasMessage(
              "Export other/web: metadata.namespace: 'other' (expected: the watch namespace"
                  + " 'shop')");
      assertThatThrownBy(() -> admission.admit(imp(70000)))
          .isInstanceOf(InvalidObjectException.class)
          .hasMessageContaining("spec.targetPort");
    }
  }

  @Test
  void anImportReappliedWithoutItsTargetPortKeepsIt() {
    try (Store store = EmbeddedStore.open(dir)) {
      store.put(imp(40000));
      KubeAdmission admission = new KubeAdmission(store, "shop");
      assertThat(((Import) admission.admit(imp(null))).spec().targetPort()).isEqualTo(40000);
    }
  }
}
