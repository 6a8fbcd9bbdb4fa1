package io.xclusterlink.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.api.ObjectCodec;
import org.junit.jupiter.api.Test;

class StatusViewTest {
  static final String STATUS =
      """
      {"peer":"west","labels":{"zone":"eu"},"gatewayAddress":"0.0.0.0:8443","tls":"OpenSSL",
       "peers":[{"name":"east","reachable":true,"reason":"HeartbeatSucceeded","labels":{"zone":"us"},
                 "gateways":["127.0.0.1:8443","127.0.0.1:8444"]},
                {"name":"south","reachable":false,"reason":"NeverAnswered","message":"127.0.0.1:9000: refused",
                 "labels":{},"gateways":["127.0.0.1:9000"]}],
       "imports":[{"namespace":"default","name":"web","targetPort":15080,"listening":true,"sources":2,
                   "lbScheme":"round-robin"}],
       "exports":[],
       "policies":3,
       "counters":{"egressTunnelsOpened":7,"tunnelsRefused":1,"refusedByReason":{"denied":1}}}
      """;

  @Test
  void rendersPeersImportsAndCounters() throws Exception {
    String text = StatusView.render(ObjectCodec.json().readTree(STATUS));

    assertThat(text)
        .contains("peer: west", "labels: zone=eu", "policies: 3")
        .contains("PEERS\n  NAME    REACHABLE   REASON")
        .containsPattern("east +yes +HeartbeatSucceeded +127.0.0.1:8443,127.0.0.1:8444 +zone=us")
        .containsPattern(
            "south +no +NeverAnswered +127.0.0.1:9000 +<none> +127.0.0.1:9000: refused")
        .containsPattern("default +web +15080 +yes +2 +round-robin")
        .contains("EXPORTS (none)")
        .containsPattern(
            "COUNTERS\n  egressTunnelsOpened +7\n  tunnelsRefused +1\n  refusedByReason.denied +1\n");
  }

  @Test
  void toleratesMissingAndUnknownFields() throws Exception {
    JsonNode status =
        ObjectCodec.json()
            .readTree(
                "{\"peers\":[{\"name\":\"east\",\"rtt\":\"3ms\"}],\"vpcTunnels\":[{\"name\":\"t1\"}],"
                    + "\"uptime\":\"5m\"}");

    String text = StatusView.render(status);

    assertThat(text)
        .contains("uptime: 5m")
        .contains("PEERS\n  NAME   RTT\n  east   3ms\n")
        .contains("VPCTUNNELS");
    assertThat(text).doesNotContain("IMPORTS", "COUNTERS");
  }
}
