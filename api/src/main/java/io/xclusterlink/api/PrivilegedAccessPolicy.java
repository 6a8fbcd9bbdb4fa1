package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.xclusterlink.api.schema.PrinterColumn;
import io.xclusterlink.api.schema.Required;

/** A cluster-wide allow/deny rule that is evaluated before, and wins over, regular policies. */
@PrinterColumn(name = "Action", jsonPath = ".spec.action")
@PrinterColumn(name = "Age", type = "date", jsonPath = ".metadata.creationTimestamp")
public record PrivilegedAccessPolicy(ObjectMeta metadata, @Required PolicySpec spec, Status status)
    implements XclObject {
  public PrivilegedAccessPolicy {
    status = status == null ? Status.EMPTY : status;
  }

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.PRIVILEGED_ACCESS_POLICY;
  }

  @Override
  public PrivilegedAccessPolicy withMetadata(ObjectMeta m) {
    return new PrivilegedAccessPolicy(m, spec, status);
  }

  @Override
  public PrivilegedAccessPolicy withStatus(Status s) {
    return new PrivilegedAccessPolicy(metadata, spec, s);
  }
}
