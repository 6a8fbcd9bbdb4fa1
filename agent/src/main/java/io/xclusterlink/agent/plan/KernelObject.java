package io.xclusterlink.agent.plan;

import java.util.List;
import java.util.Objects;

/**
 * One piece of desired (or observed) kernel state. Two objects with the same {@link #key()} are the
 * same kernel object; if they differ otherwise, one replaces the other.
 *
 * <p>Every object is owned by the agent: routes and nexthops carry {@link #PROTOCOL} as their
 * rtnetlink protocol, the VXLAN device and NAT table carry names only the agent uses, and FDB and
 * neighbour entries live on that device. An observed state is therefore never anybody else's.
 *
 * <p>Each record writes its {@code equals} (component by component with {@code Objects.equals}, as
 * the generated one does; the generated {@code hashCode} agrees with it): a record's generated
 * {@code equals} is linked on its first call through method handles ({@code
 * java.lang.runtime.ObjectMethods}), and the first diff of an agent's start calls it for every
 * kind, about a tenth of the start's CPU; every node of a VPC starts an agent at once
 * (docs/network-path.md, "cold start"). {@code KernelObjectTest} checks each against its
 * components.
 */
public sealed interface KernelObject {

  /**
   * The rtnetlink protocol ({@code rtm_protocol}, {@code nh_protocol}) of our routes and nexthops.
   */
  int PROTOCOL = 120;

  /** The identity of the kernel object: what a replace keeps and a delete names. */
  String key();

  /**
   * Where the object comes in a kernel-acceptable order: a lower kind must exist before a higher.
   */
  Kind kind();

  /** The kinds in dependency order. */
  enum Kind {
    SYSCTL,
    VXLAN_LINK,
    LINK_ADDRESS,
    FDB_ENTRY,
    NEIGHBOUR,
    NEXTHOP,
    RESILIENT_GROUP,
    ROUTE,
    NAT_TABLE
  }

  /** A value under /proc/sys/net, in the decimal form the kernel reads back. */
  record Sysctl(String key, String value) implements KernelObject {
    @Override
    public boolean equals(Object o) {
      return o instanceof Sysctl x && Objects.equals(key, x.key) && Objects.equals(value, x.value);
    }

    public Kind kind() {
      return Kind.SYSCTL;
    }

    @Override
    public String toString() {
      return "sysctl " + key + "=" + value;
    }
  }

  /** A VXLAN device without learning; its {@code mac} is derived from the overlay address. */
  record VxlanLink(String name, int vni, Ipv4 local, String dev, int port, Mac mac, int mtu)
      implements KernelObject {
    @Override
    public boolean equals(Object o) {
      return o instanceof VxlanLink x
          && Objects.equals(name, x.name)
          && vni == x.vni
          && Objects.equals(local, x.local)
          && Objects.equals(dev, x.dev)
          && port == x.port
          && Objects.equals(mac, x.mac)
          && mtu == x.mtu;
    }

    public String key() {
      return "link " + name;
    }

    public Kind kind() {
      return Kind.VXLAN_LINK;
    }

    @Override
    public String toString() {
      return "link "
          + name
          + " type vxlan id "
          + vni
          + " local "
          + local
          + " dev "
          + dev
          + " dstport "
          + port
          + " address "
          + mac
          + " mtu "
          + mtu;
    }
  }

  /** An address with its subnet's length on one of our devices. */
  record LinkAddress(String dev, Ipv4 address, int prefixLength) implements KernelObject {
    @Override
    public boolean equals(Object o) {
      return o instanceof LinkAddress x
          && Objects.equals(dev, x.dev)
          && Objects.equals(address, x.address)
          && prefixLength == x.prefixLength;
    }

    public String key() {
      return "address " + address + "/" + prefixLength + " dev " + dev;
    }

    public Kind kind() {
      return Kind.LINK_ADDRESS;
    }

    @Override
    public String toString() {
      return "address " + address + "/" + prefixLength + " dev " + dev;
    }
  }

  /**
   * A permanent FDB entry on the VXLAN device: frames for {@code mac} go to underlay {@code dst}.
   */
  record FdbEntry(Mac mac, String dev, Ipv4 dst) implements KernelObject {
    @Override
    public boolean equals(Object o) {
      return o instanceof FdbEntry x
          && Objects.equals(mac, x.mac)
          && Objects.equals(dev, x.dev)
          && Objects.equals(dst, x.dst);
    }

    public String key() {
      return "fdb " + mac + " dev " + dev;
    }

    public Kind kind() {
      return Kind.FDB_ENTRY;
    }

    @Override
    public String toString() {
      return "fdb " + mac + " dev " + dev + " dst " + dst;
    }
  }

  /** A permanent neighbour entry: the overlay address {@code ip} is at {@code lladdr}. */
  record Neighbour(Ipv4 ip, Mac lladdr, String dev) implements KernelObject {
    @Override
    public boolean equals(Object o) {
      return o instanceof Neighbour x
          && Objects.equals(ip, x.ip)
          && Objects.equals(lladdr, x.lladdr)
          && Objects.equals(dev, x.dev);
    }

    public String key() {
      return "neigh " + ip + " dev " + dev;
    }

    public Kind kind() {
      return Kind.NEIGHBOUR;
    }

    @Override
    public String toString() {
      return "neigh " + ip + " lladdr " + lladdr + " dev " + dev;
    }
  }

  /** A single nexthop. */
  record Nexthop(int id, Ipv4 via, String dev) implements KernelObject {
    @Override
    public boolean equals(Object o) {
      return o instanceof Nexthop x
          && id == x.id
          && Objects.equals(via, x.via)
          && Objects.equals(dev, x.dev);
    }

    public String key() {
      return "nexthop " + Integer.toUnsignedString(id);
    }

    public Kind kind() {
      return Kind.NEXTHOP;
    }

    @Override
    public String toString() {
      return "nexthop " + Integer.toUnsignedString(id) + " via " + via + " dev " + dev;
    }
  }

  /**
   * A resilient nexthop group. Members are nexthop ids in the order every node choosing among the
   * same gateways lists them; the timers are in seconds.
   */
  record ResilientGroup(
      int id, List<Integer> members, int buckets, int idleTimer, int unbalancedTimer)
      implements KernelObject {
    public ResilientGroup {
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new IllegalArgumentException(
            "group " + Integer.toUnsignedString(id) + ": members [] (expected: at least one)");
      }
    }

    public String key() {
      return "nexthop " + Integer.toUnsignedString(id);
    }

    public Kind kind() {
      return Kind.RESILIENT_GROUP;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ResilientGroup x
          && id == x.id
          && Objects.equals(members, x.members)
          && buckets == x.buckets
          && idleTimer == x.idleTimer
          && unbalancedTimer == x.unbalancedTimer;
    }

    @Override
    public String toString() {
      StringBuilder sb =
          new StringBuilder("nexthop ").append(Integer.toUnsignedString(id)).append(" group ");
      for (int i = 0; i < members.size(); i++) {
        sb.append(i == 0 ? "" : "/").append(Integer.toUnsignedString(members.get(i)));
      }
      return sb.append(" type resilient buckets ")
          .append(buckets)
          .append(" idle_timer ")
          .append(idleTimer)
          .append(" unbalanced_timer ")
          .append(unbalancedTimer)
          .toString();
    }
  }

  /** A route in the main table. */
  record Route(Ipv4Prefix prefix, RouteTarget target) implements KernelObject {
    public Route {
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(target, "target");
    }

    public String key() {
      return "route " + prefix;
    }

    public Kind kind() {
      return Kind.ROUTE;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Route x
          && Objects.equals(prefix, x.prefix)
          && Objects.equals(target, x.target);
    }

    @Override
    public String toString() {
      return "route " + prefix + " " + target;
    }
  }

  /** Where a route sends its packets. */
  sealed interface RouteTarget {
    /** Through a nexthop (group) by id. */
    record ViaNexthop(int nhid) implements RouteTarget {
      @Override
      public boolean equals(Object o) {
        return o instanceof ViaNexthop x && nhid == x.nhid;
      }

      @Override
      public String toString() {
        return "nhid " + Integer.toUnsignedString(nhid);
      }
    }

    /** Through a gateway on a device. */
    record ViaGateway(Ipv4 via, String dev) implements RouteTarget {
      @Override
      public boolean equals(Object o) {
        return o instanceof ViaGateway x
            && Objects.equals(via, x.via)
            && Objects.equals(dev, x.dev);
      }

      @Override
      public String toString() {
        return "via " + via + " dev " + dev;
      }
    }
  }

  /** An nftables table, as the exact text {@code nft -f} loads. */
  record NatTable(String name, String text) implements KernelObject {
    public String key() {
      return "nft table ip " + name;
    }

    public Kind kind() {
      return Kind.NAT_TABLE;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NatTable x
          && Objects.equals(name, x.name)
          && Objects.equals(text, x.text);
    }
  }
}
