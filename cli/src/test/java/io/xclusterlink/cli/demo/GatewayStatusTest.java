package io.xclusterlink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.xclusterlink.api.ObjectCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayStatusTest {
  private static GatewayStatus parse(String json) throws JsonProcessingException {
    return new GatewayStatus(ObjectCodec.json().readTree(json));
  }

  @Test
  void readsReachabilityImportsExportsAndPolicies() throws JsonProcessingException {
    GatewayStatus s =
        parse(
            """
            {"peer": "p1",
             "peers": [{"name": "p1", "reachable": true}, {"name": "p2", "reachable": false}],
             "imports": [{"namespace": "default", "name": "hello", "targetPort": 15000, "listening": true}],
             "exports": [{"namespace": "default", "name": "hello", "host": "127.0.0.1", "port": 9000}],
             "policies": 2}
            """);

    assertThat(s.reachable("p1")).contains(true);
    assertThat(s.reachable("p2")).contains(false);
    assertThat(s.reachable("p3")).isEmpty();
    assertThat(s.allReachable(List.of("p1"))).isTrue();
    assertThat(s.allReachable(List.of("p1", "p2"))).isFalse();
    assertThat(s.allReachable(List.of("p1", "p3"))).isFalse();
    assertThat(s.importListening("default", "hello")).isTrue();
    assertThat(s.importListening("prod", "hello")).isFalse();
    assertThat(s.exports("default", "hello")).isTrue();
    assertThat(s.exports("default", "db")).isFalse();
    assertThat(s.policies()).isEqualTo(2);
  }

  @Test
  void treatsAMissingSectionAsNothingThere() throws JsonProcessingException {
    GatewayStatus s = parse("{\"peer\": \"p1\"}");

    assertThat(s.allReachable(List.of("p1"))).isFalse();
    assertThat(s.importListening("default", "hello")).isFalse();
    assertThat(s.policies()).isZero();
  }
}
