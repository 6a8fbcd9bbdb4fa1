package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** A remote peer: its name (= its certificate's DNS SAN) and the addresses of its gateways. */
public record Peer(ObjectMeta metadata, Spec spec, Status status) implements XclObject {
  public Peer {
    status = status == null ? Status.EMPTY : status;
  }

  /** The gateways of the peer; every one is tried, the peer is reachable if any answers. */
  public record Spec(List<GatewayAddress> gateways) {
    public Spec {
      gateways = gateways == null ? List.of() : List.copyOf(gateways);
    }
  }

  /** A host (name or IP, may be a relay or NAT address) and port of a peer's gateway. */
  public record GatewayAddress(String host, Integer port) {}

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
