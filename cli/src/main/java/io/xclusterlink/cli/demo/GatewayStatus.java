package io.xclusterlink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The parts of a gateway's {@code /v1/status} answer the demo waits for. Pure. */
record GatewayStatus(JsonNode tree) {
  /** Whether this gateway sees {@code peer} as reachable; empty when it does not know the peer. */
  Optional<Boolean> reachable(String peer) {
    for (JsonNode p : tree.path("peers")) {
      if (p.path("name").asText("").equals(peer)) {
        return Optional.of(p.path("reachable").asBoolean(false));
      }
    }
    return Optional.empty();
  }

  boolean allReachable(Iterable<String> peers) {
    for (String p : peers) {
      if (!reachable(p).orElse(false)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the import listens on its local port. */
  boolean importListening(String namespace, String name) {
    for (JsonNode i : tree.path("imports")) {
      if (i.path("namespace").asText("").equals(namespace)
          && i.path("name").asText("").equals(name)) {
        return i.path("listening").asBoolean(false);
      }
    }
    return false;
  }

  boolean exports(String namespace, String name) {
    for (JsonNode e : tree.path("exports")) {
      if (e.path("namespace").asText("").equals(namespace)
          && e.path("name").asText("").equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** How many access policies the gateway enforces right now. */
  int policies() {
    return tree.path("policies").asInt(0);
  }
}
