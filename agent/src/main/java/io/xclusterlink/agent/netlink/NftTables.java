package io.xclusterlink.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nftables tables of the {@code ip} family and their comments, read over NETLINK_NETFILTER as
 * {@code nft list tables} reads them, but without forking nft: every agent start asks which NAT
 * tables of ours the kernel holds, and the digest each carries in its comment.
 */
public final class NftTables {
  private static final int NFNL_SUBSYS_NFTABLES = 10;
  private static final int NFT_MSG_NEWTABLE = 0;
  private static final int NFT_MSG_GETTABLE = 1;
  private static final int NFPROTO_IPV4 = 2;
  private static final int NFGENMSG_LENGTH = 4;
  private static final int NFTA_TABLE_NAME = 1;
  private static final int NFTA_TABLE_USERDATA = 6;
  private static final int NFTNL_UDATA_TABLE_COMMENT = 0;
  private static final int EINVAL = 22;
  private static final int EPROTONOSUPPORT = 93;
  private static final int EOPNOTSUPP = 95;

  private NftTables() {}

  /**
   * The {@code ip} tables in the calling thread's network namespace, by name, each with its comment
   * ("" when it has none); none when this kernel has no nftables.
   *
   * @throws NetlinkException if the kernel refuses the dump (e.g. without CAP_NET_ADMIN)
   */
  public static Map<String, String> ip() {
    NetlinkSocket socket;
    try {
      socket = NetlinkSocket.open(LibC.NETLINK_NETFILTER);
    } catch (NetlinkException e) {
      if (e.errno() == EPROTONOSUPPORT) {
        return Map.of();
      }
      throw e;
    }
    try (socket) {
      List<ByteBuffer> replies;
      try {
        replies =
            socket.dump(
                new MessageWriter(64),
                1,
                "list nftables tables",
                NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETTABLE,
                NFPROTO_IPV4,
                NFGENMSG_LENGTH);
      } catch (NetlinkException e) {
        // nfnetlink without nf_tables answers a request to its subsystem with EINVAL
        if (e.errno() == EINVAL || e.errno() == EOPNOTSUPP) {
          return Map.of();
        }
        throw e;
      }
      return decode(replies);
    }
  }

  /** The tables in reply datagrams: a NEWTABLE message per table, its attributes after nfgenmsg. */
  static Map<String, String> decode(List<ByteBuffer> datagrams) {
    Map<String, String> out = new TreeMap<>();
    int table = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE;
    for (ByteBuffer d : datagrams) {
      for (int at = 0; at + 16 <= d.limit(); ) {
        int len = d.getInt(at);
        if (len < 16 || at + len > d.limit()) {
          break;
        }
        if ((d.getShort(at + 4) & 0xffff) == table && len >= 16 + NFGENMSG_LENGTH) {
          Attributes a = Attributes.parse(d, at + 16 + NFGENMSG_LENGTH, at + len);
          if (a.has(NFTA_TABLE_NAME)) {
            out.put(
                a.string(NFTA_TABLE_NAME),
                a.has(NFTA_TABLE_USERDATA) ? comment(a.bytes(NFTA_TABLE_USERDATA)) : "");
          }
        }
        at += NetlinkSocket.align(len);
      }
    }
    return out;
  }

  /**
   * The comment in a table's user data, as libnftnl writes it: entries of a one-byte type, a
   * one-byte length and the value; the comment's value ends with a NUL. "" when there is none.
   */
  static String comment(byte[] userData) {
    int at = 0;
    while (at + 2 <= userData.length) {
      int type = userData[at] & 0xff;
      int len = userData[at + 1] & 0xff;
      if (at + 2 + len > userData.length) {
        break;
      }
      if (type == NFTNL_UDATA_TABLE_COMMENT) {
        int n = 0;
        while (n < len && userData[at + 2 + n] != 0) {
          n++;
        }
        return new String(userData, at + 2, n, StandardCharsets.UTF_8);
      }
      at += 2 + len;
    }
    return "";
  }
}
