package io.xclusterlink.api;

import static io.xclusterlink.api.schema.Constraints.HOST_MAX_LENGTH;
import static io.xclusterlink.api.schema.Constraints.HOST_PATTERN;
import static io.xclusterlink.api.schema.Constraints.PORT_MAX;
import static io.xclusterlink.api.schema.Constraints.PORT_MIN;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.xclusterlink.api.schema.MinItems;
import io.xclusterlink.api.schema.Pattern;
import io.xclusterlink.api.schema.PrinterColumn;
import io.xclusterlink.api.schema.Range;
import io.xclusterlink.api.schema.Required;
import java.util.List;

/** A remote peer: its name (= its certificate's DNS SAN) and the addresses of its gateways. */
@PrinterColumn(
    name = "Reachable",
    jsonPath = ".status.conditions[?(@.type==\"PeerReachable\")].status",
    description = "whether any gateway of the peer answers")
@PrinterColumn(name = "Age", type = "date", jsonPath = ".metadata.creationTimestamp")
public record Peer(ObjectMeta metadata, @Required Spec spec, Status status) implements XclObject {
  public Peer {
    status = status == null ? Status.EMPTY : status;
  }

  /** The gateways of the peer; every one is tried, the peer is reachable if any answers. */
  public record Spec(@Required @MinItems(1) List<GatewayAddress> gateways) {
    public Spec {
      gateways = gateways == null ? List.of() : List.copyOf(gateways);
    }
  }

  /** A host (name or IP, may be a relay or NAT address) and port of a peer's gateway. */
  public record GatewayAddress(
      @Required @Pattern(value = HOST_PATTERN, maxLength = HOST_MAX_LENGTH) String host,
      @Required @Range(min = PORT_MIN, max = PORT_MAX) Integer port) {}

  @Override
  @JsonIgnore
  public Kind kind() {
    return Kind.PEER;
  }

  @Override
  public Peer withMetadata(ObjectMeta m) {
    return new Peer(m, spec, status);
  }

  @Override
  public Peer withStatus(Status s) {
    return new Peer(metadata, spec, s);
  }
}
