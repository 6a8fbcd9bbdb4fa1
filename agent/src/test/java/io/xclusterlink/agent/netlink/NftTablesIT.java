package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xclusterlink.agent.nft.NftClient;
import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.NatTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The nftables tables read over netlink, in a namespace of its own, against what {@code nft}
 * created: the {@code ip} family only, each with its comment; and {@link NftClient} recognising its
 * own table by the digest in that comment. Needs root and nft.
 */
class NftTablesIT {
  @BeforeEach
  void needsRoot() {
    assumeTrue(NetworkNamespace.root(), "needs root: creates network namespaces");
  }

  @Test
  void listsTheIpTablesWithTheirCommentsAndNothingElse() throws Exception {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      assertThat(ns.inside(NftTables::ip)).isEmpty();
      nft(ns, "add", "table", "ip", "xcl_nat_1", "{ comment \"xcl:0123abcd\" ; }");
      nft(ns, "add", "table", "ip", "plain");
      nft(ns, "add", "table", "inet", "other", "{ comment \"not ip\" ; }");
      nft(ns, "add", "table", "ip6", "six");

      assertThat(ns.inside(NftTables::ip))
          .isEqualTo(Map.of("xcl_nat_1", "xcl:0123abcd", "plain", ""));
    }
  }

  @Test
  void nftClientKnowsItsLoadedTableAndReportsAChangedOrForeignCommentAsDifferent()
      throws Exception {
    NatTable want = new NatTable("xcl_nat_7", "table ip xcl_nat_7 {\n}\n");
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      ns.inside(
          () -> {
            NftClient.apply(List.of(new Change.Add(want)));
            return null;
          });
      List<KernelObject> seen = ns.inside(() -> NftClient.observe(List.of(want)));
      assertThat(seen).containsExactly(want);

      // another text under the same name: its digest differs, so the diff replaces it
      NatTable other = new NatTable("xcl_nat_7", "table ip xcl_nat_7 {\n\tchain c {\n\t}\n}\n");
      List<KernelObject> against = ns.inside(() -> NftClient.observe(List.of(other)));
      assertThat(against).hasSize(1);
      assertThat(against.get(0)).isNotEqualTo(other);
      assertThat(((NatTable) against.get(0)).text())
          .matches("# in the kernel, digest [0-9a-f]{32}\n");

      // not ours by name: not reported; ours by name without our comment: digest "none"
      nft(ns, "add", "table", "ip", "someone_else");
      nft(ns, "add", "table", "ip", "xcl_nat_9");
      assertThat(ns.inside(() -> NftClient.observe(List.of())))
          .extracting(KernelObject::key)
          .containsExactlyInAnyOrder(want.key(), new NatTable("xcl_nat_9", "").key());
      assertThat(ns.inside(() -> NftClient.observe(List.of())))
          .filteredOn(o -> o.key().equals(new NatTable("xcl_nat_9", "").key()))
          .extracting(o -> ((NatTable) o).text())
          .containsExactly("# in the kernel, digest none\n");
    }
  }

  private static void nft(NetworkNamespace ns, String... args) throws Exception {
    String[] cmd = new String[args.length + 5];
    cmd[0] = "ip";
    cmd[1] = "netns";
    cmd[2] = "exec";
    cmd[3] = ns.name;
    cmd[4] = "nft";
    System.arraycopy(args, 0, cmd, 5, args.length);
    NetworkNamespace.run(cmd);
  }
}
