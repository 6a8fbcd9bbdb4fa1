package io.xclusterlink.agent.netlink;

import static io.xclusterlink.agent.netlink.Rtnl.*;

import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.FdbEntry;
import io.xclusterlink.agent.plan.KernelObject.LinkAddress;
import io.xclusterlink.agent.plan.KernelObject.Neighbour;
import io.xclusterlink.agent.plan.KernelObject.Nexthop;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.KernelObject.Route;
import io.xclusterlink.agent.plan.KernelObject.RouteTarget;
import io.xclusterlink.agent.plan.KernelObject.VxlanLink;

/**
 * Encodes one {@link Change} of a netlink-managed object as one rtnetlink request with NLM_F_ACK,
 * as iproute2 would send it. An {@code Add} of a route, nexthop or link uses NLM_F_EXCL, so that it
 * fails rather than overwrite an object that is not ours; a {@code Replace} uses NLM_F_REPLACE and
 * is only ever planned for an object read back with our protocol. FDB, neighbour and address
 * entries live on our own device and are always written with create-or-replace.
 */
final class ChangeEncoder {
  private static final int ADD = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  private static final int REPLACE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
  private static final int DELETE = NLM_F_REQUEST | NLM_F_ACK;

  private ChangeEncoder() {}

  static void encode(Change change, int seq, MessageWriter w, LinkTable links) {
    KernelObject o = change.object();
    boolean delete = change instanceof Change.Delete;
    int write = change instanceof Change.Add ? ADD : REPLACE;
    String what = o.toString();
    if (o instanceof Nexthop n) {
      if (delete) {
        nhmsgForDelete(w.begin(RTM_DELNEXTHOP, DELETE, seq)).attrU32(NHA_ID, n.id()).end();
      } else {
        nhmsg(w.begin(RTM_NEWNEXTHOP, write, seq), AF_INET)
            .attrU32(NHA_ID, n.id())
            .attrU32(NHA_OIF, links.index(n.dev(), what))
            .attrBytes(NHA_GATEWAY, n.via().octets())
            .end();
      }
    } else if (o instanceof ResilientGroup g) {
      if (delete) {
        nhmsgForDelete(w.begin(RTM_DELNEXTHOP, DELETE, seq)).attrU32(NHA_ID, g.id()).end();
      } else {
        // a replace repeats the type and the bucket count, or the kernel refuses it (trap 4)
        // struct nexthop_grp { u32 id; u8 weight; u8 resvd1; u16 resvd2; } in host order; weight 0
        // means 1
        java.nio.ByteBuffer members =
            java.nio.ByteBuffer.allocate(8 * g.members().size())
                .order(java.nio.ByteOrder.nativeOrder());
        for (int id : g.members()) {
          members.putInt(id).putInt(0);
        }
        nhmsg(w.begin(RTM_NEWNEXTHOP, write, seq), AF_UNSPEC)
            .attrU32(NHA_ID, g.id())
            .attrBytes(NHA_GROUP, members.array())
            .attrU16(NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES);
        int res = w.beginNest(NHA_RES_GROUP);
        w.attrU16(NHA_RES_GROUP_BUCKETS, g.buckets())
            .attrU32(NHA_RES_GROUP_IDLE_TIMER, g.idleTimer() * USER_HZ)
            .attrU32(NHA_RES_GROUP_UNBALANCED_TIMER, g.unbalancedTimer() * USER_HZ)
            .endNest(res)
            .end();
      }
    } else if (o instanceof Route r) {
      w.begin(delete ? RTM_DELROUTE : RTM_NEWROUTE, delete ? DELETE : write, seq)
          .u8(AF_INET)
          .u8(r.prefix().length())
          .u8(0)
          .u8(0)
          .u8(RT_TABLE_MAIN)
          .u8(KernelObject.PROTOCOL)
          .u8(delete ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE)
          .u8(RTN_UNICAST)
          .u32(0)
          .attrU32(RTA_TABLE, RT_TABLE_MAIN)
          .attrBytes(RTA_DST, r.prefix().address().octets());
      if (!delete) {
        if (r.target() instanceof RouteTarget.ViaNexthop v) {
          w.attrU32(RTA_NH_ID, v.nhid());
        } else if (r.target() instanceof RouteTarget.ViaGateway g) {
          w.attrBytes(RTA_GATEWAY, g.via().octets()).attrU32(RTA_OIF, links.index(g.dev(), what));
        }
      }
      w.end();
    } else if (o instanceof Neighbour n) {
      ndmsg(
              w.begin(delete ? RTM_DELNEIGH : RTM_NEWNEIGH, delete ? DELETE : REPLACE, seq),
              AF_INET,
              links.index(n.dev(), what),
              0)
          .attrBytes(NDA_DST, n.ip().octets())
          .attrBytes(NDA_LLADDR, n.lladdr().octets())
          .end();
    } else if (o instanceof FdbEntry f) {
      ndmsg(
              w.begin(delete ? RTM_DELNEIGH : RTM_NEWNEIGH, delete ? DELETE : REPLACE, seq),
              AF_BRIDGE,
              links.index(f.dev(), what),
              NTF_SELF)
          .attrBytes(NDA_LLADDR, f.mac().octets());
      if (!delete) {
        w.attrBytes(NDA_DST, f.dst().octets());
      }
      w.end();
    } else if (o instanceof LinkAddress a) {
      w.begin(delete ? RTM_DELADDR : RTM_NEWADDR, delete ? DELETE : REPLACE, seq)
          .u8(AF_INET)
          .u8(a.prefixLength())
          .u8(0)
          .u8(RT_SCOPE_UNIVERSE)
          .u32(links.index(a.dev(), what))
          .attrBytes(IFA_LOCAL, a.address().octets())
          .attrBytes(IFA_ADDRESS, a.address().octets())
          .end();
    } else if (o instanceof VxlanLink l) {
      if (delete) {
        ifinfomsg(w.begin(RTM_DELLINK, DELETE, seq), 0, 0).attrString(IFLA_IFNAME, l.name()).end();
      } else {
        // a replace changes the device in place (RTM_NEWLINK on its index); the kernel refuses
        // what a VXLAN device cannot change live, and says so in the extended ack
        int index = change instanceof Change.Replace ? links.index(l.name(), what) : 0;
        ifinfomsg(
                w.begin(RTM_NEWLINK, index == 0 ? ADD : NLM_F_REQUEST | NLM_F_ACK, seq),
                index,
                IFF_UP)
            .attrString(IFLA_IFNAME, l.name())
            .attrBytes(IFLA_ADDRESS, l.mac().octets())
            .attrU32(IFLA_MTU, l.mtu());
        int info = w.beginNest(IFLA_LINKINFO);
        w.attrString(IFLA_INFO_KIND, "vxlan");
        int data = w.beginNest(IFLA_INFO_DATA);
        w.attrU32(IFLA_VXLAN_ID, l.vni())
            .attrBytes(IFLA_VXLAN_LOCAL, l.local().octets())
            .attrU32(IFLA_VXLAN_LINK, links.index(l.dev(), what))
            .attrBe16(IFLA_VXLAN_PORT, l.port())
            .attrU8(IFLA_VXLAN_LEARNING, 0)
            .endNest(data)
            .endNest(info)
            .end();
      }
    } else {
      throw new IllegalArgumentException(
          what + ": not a netlink object (expected: link, address, fdb, neigh, nexthop or route)");
    }
  }

  private static MessageWriter nhmsg(MessageWriter w, int family) {
    return w.u8(family).u8(0).u8(KernelObject.PROTOCOL).u8(0).u32(0);
  }

  /**
   * A delete names the id only: the kernel refuses a header with a protocol ("Invalid values in
   * header").
   */
  private static MessageWriter nhmsgForDelete(MessageWriter w) {
    return w.u8(AF_UNSPEC).u8(0).u8(0).u8(0).u32(0);
  }

  private static MessageWriter ndmsg(MessageWriter w, int family, int ifindex, int flags) {
    return w.u8(family).u8(0).u16(0).u32(ifindex).u16(NUD_PERMANENT).u8(flags).u8(0);
  }

  private static MessageWriter ifinfomsg(MessageWriter w, int index, int flags) {
    return w.u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(flags).u32(flags);
  }
}
