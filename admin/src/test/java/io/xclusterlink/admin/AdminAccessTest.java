package io.xclusterlink.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminAccessTest {
  @Test
  void ipLiteralsCompareInTheirCanonicalForm() {
    assertThat(AdminAccess.canonicalHost("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(AdminAccess.canonicalHost("2001:DB8:0:0:0:0:0:5"))
        .isEqualTo(AdminAccess.canonicalHost("2001:db8::5"))
        .isEqualTo("2001:db8::5");
    assertThat(AdminAccess.canonicalHost("fe80::1%eth0")).isEqualTo("fe80::1");
    assertThat(AdminAccess.canonicalHost("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(AdminAccess.canonicalHost("LocalHost")).isEqualTo("localhost");
  }
}
