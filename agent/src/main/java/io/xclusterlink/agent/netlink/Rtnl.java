package io.xclusterlink.agent.netlink;

/**
 * rtnetlink constants from the Linux uapi headers (netlink.h, rtnetlink.h, nexthop.h, neighbour.h,
 * if_link.h).
 */
final class Rtnl {
  private Rtnl() {}

  // netlink.h: message types and flags
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_DUMP = 0x300;
  static final int NLM_F_DUMP_INTR = 0x10; // in a dump's reply: the table changed while it was read
  static final int NLM_F_REPLACE = 0x100;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;
  static final int NLM_F_ACK_TLVS = 0x200; // in an error message: extended ack attributes follow
  static final int NLM_F_CAPPED = 0x100; // in an error message: the request's payload was left out
  static final int ENOENT = 2; // errno: no such object
  static final int NLMSGERR_ATTR_MSG = 1;
  static final int NLA_F_NESTED = 0x8000;
  static final int NLA_TYPE_MASK = 0x3fff;

  // rtnetlink.h: message types
  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_NEWADDR = 20;
  static final int RTM_DELADDR = 21;
  static final int RTM_GETADDR = 22;
  static final int RTM_NEWROUTE = 24;
  static final int RTM_DELROUTE = 25;
  static final int RTM_GETROUTE = 26;
  static final int RTM_NEWNEIGH = 28;
  static final int RTM_DELNEIGH = 29;
  static final int RTM_GETNEIGH = 30;
  static final int RTM_NEWNEXTHOP = 104;
  static final int RTM_DELNEXTHOP = 105;
  static final int RTM_GETNEXTHOP = 106;
  static final int RTM_NEWNEXTHOPBUCKET = 116;
  static final int RTM_GETNEXTHOPBUCKET = 118;

  static final int AF_UNSPEC = 0;
  static final int AF_INET = 2;
  static final int AF_BRIDGE = 7;

  // routes
  static final int RT_TABLE_MAIN = 254;
  static final int RT_SCOPE_UNIVERSE = 0;
  static final int RT_SCOPE_NOWHERE = 255;
  static final int RTN_UNICAST = 1;
  static final int RTA_DST = 1;
  static final int RTA_OIF = 4;
  static final int RTA_GATEWAY = 5;
  static final int RTA_TABLE = 15;
  static final int RTA_NH_ID = 30;

  // nexthops
  static final int NHA_ID = 1;
  static final int NHA_GROUP = 2;
  static final int NHA_GROUP_TYPE = 3;
  static final int NHA_BLACKHOLE = 4;
  static final int NHA_OIF = 5;
  static final int NHA_GATEWAY = 6;
  static final int NHA_RES_GROUP = 12;
  static final int NHA_RES_BUCKET = 13;
  static final int NHA_RES_BUCKET_NH_ID = 3;
  // nexthop group statistics (Linux 6.7): asked for with NHA_OP_FLAGS in a get or dump
  static final int NHA_OP_FLAGS = 14;
  static final int NHA_GROUP_STATS = 15;
  static final int NHA_OP_FLAG_DUMP_STATS = 1;
  static final int NHA_GROUP_STATS_ENTRY = 1;
  static final int NHA_GROUP_STATS_ENTRY_ID = 1;
  static final int NHA_GROUP_STATS_ENTRY_PACKETS = 2; // NLA_UINT: 4 or 8 bytes
  static final int NEXTHOP_GRP_TYPE_RES = 1;
  static final int NHA_RES_GROUP_BUCKETS = 1;
  static final int NHA_RES_GROUP_IDLE_TIMER = 2;
  static final int NHA_RES_GROUP_UNBALANCED_TIMER = 3;

  /** Resilient-group timers travel as clock_t, in USER_HZ ticks. */
  static final int USER_HZ = 100;

  // neighbours and FDB entries
  static final int NDA_DST = 1;
  static final int NDA_LLADDR = 2;
  static final int NUD_PERMANENT = 0x80;
  static final int NTF_SELF = 0x02;

  // links and addresses
  static final int IFLA_ADDRESS = 1;
  static final int IFLA_IFNAME = 3;
  static final int IFLA_MTU = 4;
  static final int IFLA_LINKINFO = 18;
  static final int IFLA_STATS64 = 23;
  static final int IFLA_INFO_KIND = 1;
  static final int IFLA_INFO_DATA = 2;
  static final int IFLA_VXLAN_ID = 1;
  static final int IFLA_VXLAN_LINK = 3;
  static final int IFLA_VXLAN_LOCAL = 4;
  static final int IFLA_VXLAN_LEARNING = 7;
  static final int IFLA_VXLAN_PORT = 15;
  static final int IFF_UP = 0x1;
  static final int IFA_ADDRESS = 1;
  static final int IFA_LOCAL = 2;
}
