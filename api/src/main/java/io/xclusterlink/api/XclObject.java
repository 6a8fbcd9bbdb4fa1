package io.xclusterlink.api;

/**
 * One object of the API group {@value #API_VERSION}. Objects are immutable values; the control
 * plane replaces them whole.
 */
public sealed interface XclObject
    permits Peer,
        Export,
        Import,
        AccessPolicy,
        PrivilegedAccessPolicy,
        GatewayExIp,
        Vpc,
        VpcNatTunnel {
  String API_VERSION = "xclusterlink.io/v1alpha1";
  String DEFAULT_NAMESPACE = "default";

  ObjectMeta metadata();

  Status status();

  Kind kind();

  XclObject withMetadata(ObjectMeta metadata);

  XclObject withStatus(Status status);

  default ObjectKey key() {
    return new ObjectKey(kind(), metadata().namespace(), metadata().name());
  }

  /**
   * The object with its namespace normalised: namespaced kinds default to {@value
   * #DEFAULT_NAMESPACE}, cluster-scoped kinds have none.
   */
  default XclObject normalized() {
    String ns = metadata().namespace();
    if (kind().namespaced()) {
      return ns == null || ns.isBlank()
          ? withMetadata(metadata().withNamespace(DEFAULT_NAMESPACE))
          : this;
    }
    return ns == null ? this : withMetadata(metadata().withNamespace(null));
  }
}
