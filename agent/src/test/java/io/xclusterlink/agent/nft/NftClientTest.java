package io.xclusterlink.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NftClientTest {
  @Test
  void theDigestCommentIsTheTablesFirstStatementAndDependsOnTheTextOnly() {
    String text = "table ip xcl_nat_42 {\n\tchain pre {\n\t}\n}\n";
    String loaded = NftClient.withDigest("xcl_nat_42", text);
    assertThat(loaded)
        .startsWith("table ip xcl_nat_42 {\n\tcomment \"xcl:" + NftClient.digest(text) + "\"\n")
        .endsWith("\tchain pre {\n\t}\n}\n");
    assertThat(NftClient.digest(text)).hasSize(32).isEqualTo(NftClient.digest(text + ""));
    assertThat(NftClient.digest(text)).isNotEqualTo(NftClient.digest(text.replace("pre", "post")));
  }

  @Test
  void refusesTextThatIsNotTheNamedTable() {
    assertThatThrownBy(() -> NftClient.withDigest("xcl_nat_42", "table ip other {\n}\n"))
        .hasMessageContaining("expected: table ip xcl_nat_42 {");
  }
}
