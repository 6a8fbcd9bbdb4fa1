package io.xclusterlink.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.Http2Headers;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.Refusal;
import io.xclusterlink.gateway.tunnel.TunnelProtocol.TunnelRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TunnelProtocolTest {
  @Test
  void tunnelRequestRoundTrips() {
    TunnelRequest req =
        new TunnelRequest(
            "db",
            "prod",
            Map.of(
                "client.xclusterlink.io/namespace",
                "web",
                "client.xclusterlink.io/labels.app",
                "a=b"));
    Http2Headers h = TunnelProtocol.tunnelRequest("p0", req);
    assertThat(h.path().toString()).isEqualTo(TunnelProtocol.TUNNEL_PATH);
    assertThat(h.authority().toString()).isEqualTo("p0");
    assertThat(TunnelProtocol.parseTunnelRequest(h)).isEqualTo(req);
  }

  @Test
  void peerCannotSpeakForItselfOrTheExportInClientAttributes() {
    Http2Headers h = TunnelProtocol.tunnelRequest("p0", new TunnelRequest("db", "prod", Map.of()));
    h.add(TunnelProtocol.H_CLIENT_ATTRIBUTE, "peer.xclusterlink.io/name=admin");
    h.add(TunnelProtocol.H_CLIENT_ATTRIBUTE, "export.xclusterlink.io/name=other");
    assertThat(TunnelProtocol.parseTunnelRequest(h).clientAttributes()).isEmpty();
  }

  @Test
  void missingExportNameIsABadRequestNamingTheField() {
    Http2Headers h = TunnelProtocol.tunnelRequest("p0", new TunnelRequest("db", "prod", Map.of()));
    h.remove(TunnelProtocol.H_EXPORT_NAME);
    assertThatThrownBy(() -> TunnelProtocol.parseTunnelRequest(h))
        .hasMessageContaining("xcl-export-name: missing");
  }

  @Test
  void unknownVersionIsRefused() {
    Http2Headers h = TunnelProtocol.tunnelRequest("p0", new TunnelRequest("db", "prod", Map.of()));
    h.set(TunnelProtocol.H_VERSION, "9");
    assertThatThrownBy(() -> TunnelProtocol.parseTunnelRequest(h))
        .hasMessageContaining("expected: 1");
  }

  @Test
  void refusalCarriesStatusAndOneLineReason() {
    Http2Headers h = TunnelProtocol.refused(Refusal.DENIED, "denied by\nAccessPolicy x");
    assertThat(Refusal.fromStatus(TunnelProtocol.status(h))).isEqualTo(Refusal.DENIED);
    assertThat(TunnelProtocol.reason(h)).isEqualTo("denied by AccessPolicy x");
  }

  @Test
  void heartbeatAnswerCarriesLabels() {
    Http2Headers h = TunnelProtocol.heartbeatAnswer("p1", Map.of("zone", "eu", "tier", "gold"));
    assertThat(TunnelProtocol.parseLabels(h))
        .containsOnly(Map.entry("zone", "eu"), Map.entry("tier", "gold"));
  }
}
