package io.xclusterlink.api;

import static io.xclusterlink.api.schema.Constraints.NAME_MAX_LENGTH;
import static io.xclusterlink.api.schema.Constraints.NAME_PATTERN;
import static io.xclusterlink.api.schema.Constraints.PORT_MAX;
import static io.xclusterlink.api.schema.Constraints.PORT_MIN;
import static io.xclusterlink.api.schema.Constraints.WEIGHT_MAX;
import static io.xclusterlink.api.schema.Constraints.WEIGHT_MIN;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.xclusterlink.api.schema.MinItems;
import io.xclusterlink.api.schema.Pattern;
import io.xclusterlink.api.schema.PrinterColumn;
import io.xclusterlink.api.schema.Range;
import io.xclusterlink.api.schema.Required;
import java.util.List;

/** A service consumed from other peers: a local listener whose connections go to the sources. */
@PrinterColumn(name = "Port", type = "integer", jsonPath = ".spec.port")
@PrinterColumn(name = "Target Port", type = "integer", jsonPath = ".spec.targetPort")
@PrinterColumn(name = "LB Scheme", jsonPath = ".spec.lbScheme")
@PrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"ImportTargetPortValid\")].status",
    description = "whether the gateway listens on the target port")
@PrinterColumn(
    name = "Service",
    jsonPath = ".status.conditions[?(@.type==\"ImportServiceValid\")].status",
    description = "whether the import's Service is in place (Kubernetes mode)")
@PrinterColumn(name = "Age", type = "date", jsonPath = ".metadata.creationTimestamp")
public record Import(ObjectMeta metadata, @Required Spec spec, Status status) implements XclObject {
  public Import {
    status = status == null ? Status.EMPTY : status;
  }

  /**
   * {@code port} is the service port clients use; {@code targetPort} the gateway's listener
   * (allocated and written back when absent).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Spec(
      @Required @Range(min = PORT_MIN, max = PORT_MAX) Integer port,
      @Range(min = PORT_MIN, max = PORT_MAX) Integer targetPort,
      @Required @MinItems(1) List<Source> sources,
      LbScheme lbScheme) {
    public Spec {
      sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** The scheme, round-robin when none is set. */
    @JsonIgnore
    public LbScheme scheme() {
      return lbScheme == null ? LbScheme.ROUND_ROBIN : lbScheme;
    }

    public Spec withTargetPort(int p) {
      return new Spec(port, p, sources, lbScheme);
    }
  }

  /** One (peer, export) this import can be served from; weight is optional (default 1). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(
      @Required @Pattern(value = NAME_PATTERN, maxLength = NAME_MAX_LENGTH) String peer,
      @Required @Pattern(value = NAME_PATTERN, maxLength = NAME_MAX_LENGTH) String exportName,
      @Pattern(value = NAME_PATTERN, maxLength = NAME_MAX_LENGTH) String exportNamespace,
      @Range(min = WEIGHT_MIN, max = WEIGHT_MAX) Integer weight) {
    public Source(String peer, String exportName, String exportNamespace) {
      this(peer, exportName, exportNamespace, null);
    }

    @JsonIgnore
    public int weightOrDefault() {
      return weight == null ? 1 : weight;
    }
  }

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.IMPORT;
  }

  @Override
  public Import withMetadata(ObjectMeta m) {
    return new Import(m, spec, status);
  }

  @Override
  public Import withStatus(Status s) {
    return new Import(metadata, spec, s);
  }

  public Import withSpec(Spec s) {
    return new Import(metadata, s, status);
  }
}
