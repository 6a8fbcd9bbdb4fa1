package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A service this peer offers to others: the backend's host and port. */
public record Export(ObjectMeta metadata, Spec spec, Status status) implements XclObject {
  public Export {
    status = status == null ? Status.EMPTY : status;
  }

  /**
   * The backend. {@code host} may be empty in Kubernetes mode (the Service of the same name); in
   * standalone mode it is required.
   */
  public record Spec(String host, Integer port) {}

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.EXPORT;
  }

  @Override
  public Export withMetadata(ObjectMeta m) {
    return new Export(m, spec, status);
  }

  @Override
  public Export withStatus(Status s) {
    return new Export(metadata, spec, s);
  }
}
