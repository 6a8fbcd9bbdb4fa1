package io.xclusterlink.agent.netlink;

import static io.xclusterlink.agent.netlink.Rtnl.*;

import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.Ipv4Prefix;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.FdbEntry;
import io.xclusterlink.agent.plan.KernelObject.LinkAddress;
import io.xclusterlink.agent.plan.KernelObject.Neighbour;
import io.xclusterlink.agent.plan.KernelObject.Nexthop;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.KernelObject.Route;
import io.xclusterlink.agent.plan.KernelObject.RouteTarget;
import io.xclusterlink.agent.plan.KernelObject.VxlanLink;
import io.xclusterlink.agent.plan.Mac;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decodes dumped rtnetlink messages into the {@link KernelObject}s the agent owns, and nothing
 * else: routes and nexthops with our protocol in the main table, VXLAN devices with our name
 * prefix, and addresses, FDB and neighbour entries on those devices.
 */
final class ObjectDecoder {
  /** The name prefix of our devices (see {@code VxlanConfig.deviceName}). */
  static final String DEVICE_PREFIX = "xclvx";

  private ObjectDecoder() {}

  /**
   * Decodes one message at {@code at} (its header included) into {@code out}, if it is ours.
   *
   * @param ours the indexes of our devices
   */
  static void decode(
      ByteBuffer buf, int at, LinkTable links, Set<Integer> ours, List<KernelObject> out) {
    int len = buf.getInt(at);
    int type = buf.getShort(at + 4) & 0xffff;
    int body = at + 16;
    int end = at + len;
    switch (type) {
      case RTM_NEWNEXTHOP -> nexthop(buf, body, end, links, out);
      case RTM_NEWROUTE -> route(buf, body, end, links, out);
      case RTM_NEWNEIGH -> neighbour(buf, body, end, links, ours, out);
      case RTM_NEWADDR -> address(buf, body, end, links, ours, out);
      case RTM_NEWLINK -> link(buf, body, end, links, out);
      default -> {}
    }
  }

  private static void nexthop(
      ByteBuffer buf, int body, int end, LinkTable links, List<KernelObject> out) {
    int protocol = buf.get(body + 2) & 0xff;
    if (protocol != KernelObject.PROTOCOL) {
      return;
    }
    Attributes a = Attributes.parse(buf, body + 8, end);
    int id = a.u32(NHA_ID);
    if (a.has(NHA_GROUP)) {
      ByteBuffer g = ByteBuffer.wrap(a.bytes(NHA_GROUP)).order(java.nio.ByteOrder.nativeOrder());
      List<Integer> members = new ArrayList<>();
      while (g.remaining() >= 8) {
        members.add(g.getInt());
        g.getInt();
      }
      Attributes res = a.nested(NHA_RES_GROUP);
      if (a.has(NHA_GROUP_TYPE) && a.u16(NHA_GROUP_TYPE) == NEXTHOP_GRP_TYPE_RES) {
        out.add(
            new ResilientGroup(
                id,
                members,
                res.u16(NHA_RES_GROUP_BUCKETS),
                res.u32(NHA_RES_GROUP_IDLE_TIMER) / USER_HZ,
                res.u32(NHA_RES_GROUP_UNBALANCED_TIMER) / USER_HZ));
      } else {
        // ours but not resilient: never planned, so it shows as something the diff must replace
        out.add(new ResilientGroup(id, members, 0, 0, 0));
      }
    } else if (a.has(NHA_GATEWAY) && a.has(NHA_OIF)) {
      out.add(new Nexthop(id, Ipv4.of(a.bytes(NHA_GATEWAY)), links.name(a.u32(NHA_OIF))));
    }
  }

  private static void route(
      ByteBuffer buf, int body, int end, LinkTable links, List<KernelObject> out) {
    int family = buf.get(body) & 0xff;
    int dstLen = buf.get(body + 1) & 0xff;
    int table = buf.get(body + 4) & 0xff;
    int protocol = buf.get(body + 5) & 0xff;
    if (family != AF_INET || protocol != KernelObject.PROTOCOL) {
      return;
    }
    Attributes a = Attributes.parse(buf, body + 12, end);
    if (a.has(RTA_TABLE)) {
      table = a.u32(RTA_TABLE);
    }
    if (table != RT_TABLE_MAIN) {
      return;
    }
    Ipv4 dst = a.has(RTA_DST) ? Ipv4.of(a.bytes(RTA_DST)) : new Ipv4(0);
    Ipv4Prefix prefix = new Ipv4Prefix(dst, dstLen);
    if (a.has(RTA_NH_ID)) {
      out.add(new Route(prefix, new RouteTarget.ViaNexthop(a.u32(RTA_NH_ID))));
    } else if (a.has(RTA_GATEWAY) && a.has(RTA_OIF)) {
      out.add(
          new Route(
              prefix,
              new RouteTarget.ViaGateway(
                  Ipv4.of(a.bytes(RTA_GATEWAY)), links.name(a.u32(RTA_OIF)))));
    }
  }

  private static void neighbour(
      ByteBuffer buf,
      int body,
      int end,
      LinkTable links,
      Set<Integer> ours,
      List<KernelObject> out) {
    int family = buf.get(body) & 0xff;
    int ifindex = buf.getInt(body + 4);
    int state = buf.getShort(body + 8) & 0xffff;
    int flags = buf.get(body + 10) & 0xff;
    if (!ours.contains(ifindex) || (state & NUD_PERMANENT) == 0) {
      return;
    }
    Attributes a = Attributes.parse(buf, body + 12, end);
    if (!a.has(NDA_DST) || !a.has(NDA_LLADDR) || a.bytes(NDA_LLADDR).length != 6) {
      return;
    }
    if (family == AF_INET) {
      out.add(
          new Neighbour(
              Ipv4.of(a.bytes(NDA_DST)), Mac.of(a.bytes(NDA_LLADDR)), links.name(ifindex)));
    } else if (family == AF_BRIDGE && (flags & NTF_SELF) != 0 && a.bytes(NDA_DST).length == 4) {
      out.add(
          new FdbEntry(
              Mac.of(a.bytes(NDA_LLADDR)), links.name(ifindex), Ipv4.of(a.bytes(NDA_DST))));
    }
  }

  private static void address(
      ByteBuffer buf,
      int body,
      int end,
      LinkTable links,
      Set<Integer> ours,
      List<KernelObject> out) {
    int family = buf.get(body) & 0xff;
    int prefixLength = buf.get(body + 1) & 0xff;
    int ifindex = buf.getInt(body + 4);
    if (family != AF_INET || !ours.contains(ifindex)) {
      return;
    }
    Attributes a = Attributes.parse(buf, body + 8, end);
    if (a.has(IFA_LOCAL)) {
      out.add(new LinkAddress(links.name(ifindex), Ipv4.of(a.bytes(IFA_LOCAL)), prefixLength));
    }
  }

  private static void link(
      ByteBuffer buf, int body, int end, LinkTable links, List<KernelObject> out) {
    Attributes a = Attributes.parse(buf, body + 16, end);
    if (!a.has(IFLA_IFNAME) || !a.string(IFLA_IFNAME).startsWith(DEVICE_PREFIX)) {
      return;
    }
    Attributes info = a.nested(IFLA_LINKINFO);
    if (!info.has(IFLA_INFO_KIND) || !"vxlan".equals(info.string(IFLA_INFO_KIND))) {
      return;
    }
    Attributes vx = info.nested(IFLA_INFO_DATA);
    out.add(
        new VxlanLink(
            a.string(IFLA_IFNAME),
            vx.u32(IFLA_VXLAN_ID),
            vx.has(IFLA_VXLAN_LOCAL) ? Ipv4.of(vx.bytes(IFLA_VXLAN_LOCAL)) : new Ipv4(0),
            vx.has(IFLA_VXLAN_LINK) ? links.name(vx.u32(IFLA_VXLAN_LINK)) : "",
            vx.be16(IFLA_VXLAN_PORT),
            Mac.of(a.bytes(IFLA_ADDRESS)),
            a.u32(IFLA_MTU)));
  }
}
