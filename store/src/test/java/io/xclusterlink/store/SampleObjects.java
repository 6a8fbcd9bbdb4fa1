package io.xclusterlink.store;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.PolicySpec;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import java.util.List;
import java.util.Map;

/** Valid objects of every kind for the store's tests. */
final class SampleObjects {
  private SampleObjects() {}

  static Peer peer(String name, int port) {
    return new Peer(
        new ObjectMeta(name, null, Map.of("zone", "eu")),
        new Peer.Spec(List.of(new Peer.GatewayAddress("127.0.0.1", port))),
        null);
  }

  static Export export(String ns, String name, int port) {
    return new Export(ObjectMeta.of(name, ns), new Export.Spec("127.0.0.1", port), null);
  }

  static Import importOf(String ns, String name, int port) {
    return new Import(
        ObjectMeta.of(name, ns),
        new Import.Spec(port, null, List.of(new Import.Source("east", name, ns)), null),
        null);
  }

  static AccessPolicy allowAll(String ns, String name) {
    return new AccessPolicy(ObjectMeta.of(name, ns), allowAllSpec(), null);
  }

  static PrivilegedAccessPolicy privilegedAllowAll(String name) {
    return new PrivilegedAccessPolicy(ObjectMeta.of(name, null), allowAllSpec(), null);
  }

  private static PolicySpec allowAllSpec() {
    PolicySpec.WorkloadSelectorTerm all =
        new PolicySpec.WorkloadSelectorTerm(new PolicySpec.LabelSelector(null, null));
    return new PolicySpec(io.xclusterlink.api.PolicyAction.ALLOW, List.of(all), List.of(all));
  }
}
