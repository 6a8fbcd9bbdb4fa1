package io.xclusterlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KindTest {
  @ParameterizedTest
  @ValueSource(strings = {"Import", "imports", "import", "IMPORTS", " import "})
  void parsesKindNamePluralAndSingularInAnyCase(String text) {
    assertThat(Kind.parse(text)).isEqualTo(Kind.IMPORT);
  }

  @Test
  void parsesEveryKindByItsNameAndPlural() {
    for (Kind kind : Kind.values()) {
      assertThat(Kind.parse(kind.kindName())).isEqualTo(kind);
      assertThat(Kind.parse(kind.plural())).isEqualTo(kind);
    }
    assertThat(Kind.parse("accesspolicy")).isEqualTo(Kind.ACCESS_POLICY);
    assertThat(Kind.parse("privilegedaccesspolicies")).isEqualTo(Kind.PRIVILEGED_ACCESS_POLICY);
  }

  @Test
  void rejectsUnknownKindListingTheKnownOnes() {
    Throwable thrown = catchThrowable(() -> Kind.parse("services"));

    assertThat(thrown)
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "kind: 'services' (expected one of: Peer, Export, Import, AccessPolicy,"
                + " PrivilegedAccessPolicy, GatewayExIp, Vpc, VpcNatTunnel)");
  }

  @Test
  void rejectsMissingKind() {
    assertThat(catchThrowable(() -> Kind.parse(null)))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageContaining("expected one of: Peer");
    assertThat(catchThrowable(() -> Kind.parse("")))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageStartingWith("kind: '' (expected one of:");
  }

  @Test
  void onlyPeerAndPrivilegedAccessPolicyAreClusterScoped() {
    assertThat(Kind.PEER.namespaced()).isFalse();
    assertThat(Kind.PRIVILEGED_ACCESS_POLICY.namespaced()).isFalse();
    assertThat(Kind.EXPORT.namespaced()).isTrue();
    assertThat(Kind.IMPORT.namespaced()).isTrue();
    assertThat(Kind.ACCESS_POLICY.namespaced()).isTrue();
  }

  @Test
  void mapsEachKindToItsRecordType() {
    for (Kind kind : Kind.values()) {
      assertThat(kind.type().getSimpleName()).isEqualTo(kind.kindName());
    }
    assertThat(Kind.ACCESS_POLICY.plural()).isEqualTo("accesspolicies");
  }
}
