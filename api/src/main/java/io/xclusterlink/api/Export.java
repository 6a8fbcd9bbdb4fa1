package io.xclusterlink.api;

import static io.xclusterlink.api.schema.Constraints.HOST_MAX_LENGTH;
import static io.xclusterlink.api.schema.Constraints.HOST_PATTERN;
import static io.xclusterlink.api.schema.Constraints.PORT_MAX;
import static io.xclusterlink.api.schema.Constraints.PORT_MIN;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.xclusterlink.api.schema.Pattern;
import io.xclusterlink.api.schema.PrinterColumn;
import io.xclusterlink.api.schema.Range;
import io.xclusterlink.api.schema.Required;

/** A service this peer offers to others: the backend's host and port. */
@PrinterColumn(name = "Host", jsonPath = ".spec.host")
@PrinterColumn(name = "Port", type = "integer", jsonPath = ".spec.port")
@PrinterColumn(name = "Valid", jsonPath = ".status.conditions[?(@.type==\"ExportValid\")].status")
@PrinterColumn(name = "Age", type = "date", jsonPath = ".metadata.creationTimestamp")
public record Export(ObjectMeta metadata, @Required Spec spec, Status status) implements XclObject {
  public Export {
    status = status == null ? Status.EMPTY : status;
  }

  /**
   * The backend. {@code host} may be empty in Kubernetes mode (the Service of the same name); in
   * standalone mode it is required.
   */
  public record Spec(
      @Pattern(value = HOST_PATTERN, maxLength = HOST_MAX_LENGTH) String host,
      @Required @Range(min = PORT_MIN, max = PORT_MAX) Integer port) {}

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
