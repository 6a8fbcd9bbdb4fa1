package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.xclusterlink.api.schema.PrinterColumn;
import io.xclusterlink.api.schema.Required;

/** An allow/deny rule that counts in its own namespace only. */
@PrinterColumn(name = "Action", jsonPath = ".spec.action")
@PrinterColumn(name = "Age", type = "date", jsonPath = ".metadata.creationTimestamp")
public record AccessPolicy(ObjectMeta metadata, @Required PolicySpec spec, Status status)
    implements XclObject {
  public AccessPolicy {
    status = status == null ? Status.EMPTY : status;
  }

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.ACCESS_POLICY;
  }

  @Override
  public AccessPolicy withMetadata(ObjectMeta m) {
    return new AccessPolicy(m, spec, status);
  }

  @Override
  public AccessPolicy withStatus(Status s) {
    return new AccessPolicy(metadata, spec, s);
  }
}
