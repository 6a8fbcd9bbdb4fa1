package io.xclusterlink.cli.status;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.cli.CliRun.Result;
import io.xclusterlink.cli.FakeAdminServer;
import org.junit.jupiter.api.Test;

class ShowStatusCommandTest {
  @Test
  void printsTheSummaryOrTheRawJson() throws Exception {
    try (FakeAdminServer admin = new FakeAdminServer()) {
      admin.respond("GET", "/v1/status", 200, StatusViewTest.STATUS);

      Result table = run("--admin", admin.url(), "status");
      Result json = run("--admin", admin.url(), "status", "-o", "json");

      assertThat(table.exitCode()).isZero();
      assertThat(table.out()).contains("PEERS", "IMPORTS", "COUNTERS");
      assertThat(json.exitCode()).isZero();
      assertThat(ObjectCodec.json().readTree(json.out()))
          .isEqualTo(ObjectCodec.json().readTree(StatusViewTest.STATUS));
    }
  }
}
