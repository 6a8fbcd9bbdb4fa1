package io.xclusterlink.gateway.peer;

/** One address of a peer's gateway. */
public record Endpoint(String host, int port) {
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
