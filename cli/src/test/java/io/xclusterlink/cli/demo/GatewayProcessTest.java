package io.xclusterlink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.cli.XclMain;
import org.junit.jupiter.api.Test;

class GatewayProcessTest {
  @Test
  void startsGatewaysWithTheCliMainClass() {
    assertThat(GatewayProcess.MAIN_CLASS).isEqualTo(XclMain.class.getName());
  }
}
