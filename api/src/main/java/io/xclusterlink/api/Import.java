package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A service consumed from other peers: a local listener whose connections go to the sources. */
public record Import(ObjectMeta metadata, Spec spec, Status status) implements XclObject {
  public Import {
    status = status == null ? Status.EMPTY : status;
  }

  /**
   * {@code port} is the service port clients use; {@code targetPort} the gateway's listener
   * (allocated and written back when absent).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Spec(Integer port, Integer targetPort, List<Source> sources, String lbScheme) {
    public Spec {
      sources = sources == null ? List.of() : List.copyOf(sources);
    }

    @JsonIgnore
    public LbScheme scheme() {
      return LbScheme.parse(lbScheme);
    }

    public Spec withTargetPort(int p) {
      return new Spec(port, p, sources, lbScheme);
    }
  }

  /** One (peer, export) this import can be served from; weight is optional (default 1). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(String peer, String exportName, String exportNamespace, Integer weight) {
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
