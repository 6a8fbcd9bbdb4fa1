package io.xclusterlink.agent.netlink;

import static io.xclusterlink.agent.netlink.Rtnl.*;

import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.Kind;
import io.xclusterlink.agent.plan.KernelObject.Sysctl;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the planner's changes to the kernel and reads back what the agent owns, over one
 * rtnetlink socket. Not thread-safe: one reconciler thread uses it. The socket, and therefore every
 * object, belongs to the network namespace of the thread that called {@link #open}; sysctls belong
 * to the namespace of the thread that calls {@link #apply} or {@link #observe}.
 */
public final class RtnetlinkClient implements AutoCloseable {
  private final NetlinkSocket socket;
  private final MessageWriter writer = new MessageWriter(1 << 16);
  private int seq = (int) (System.nanoTime() & 0x3fff_ffff);
  private LinkTable links;

  private RtnetlinkClient(NetlinkSocket socket) {
    this.socket = socket;
  }

  /** Opens the socket in the calling thread's network namespace. */
  public static RtnetlinkClient open() {
    return new RtnetlinkClient(NetlinkSocket.open());
  }

  /**
   * Applies {@code changes} in their order (as {@link io.xclusterlink.agent.plan.Plan#diff} gives
   * them). Consecutive changes of one kind and direction go to the kernel in one send, each with
   * NLM_F_ACK; the next batch is sent only when every ack of the previous one is in, so a refusal
   * stops the changes that depend on it.
   *
   * @throws NetlinkException naming the first refused object and the errno
   */
  public void apply(List<Change> changes) {
    int i = 0;
    while (i < changes.size()) {
      int j = i + 1;
      while (j < changes.size() && sameBatch(changes.get(i), changes.get(j))) {
        j++;
      }
      List<Change> batch = changes.subList(i, j);
      Kind kind = batch.get(0).object().kind();
      if (kind == Kind.SYSCTL) {
        batch.forEach(c -> ProcSysctls.write((Sysctl) c.object()));
      } else if (kind == Kind.NAT_TABLE) {
        throw new UnsupportedOperationException(
            batch.get(0).object().key()
                + ": loading nftables rules is not implemented in this slice (expected: no translated tunnel yet)");
      } else {
        send(batch);
        if (kind == Kind.VXLAN_LINK) {
          links = null; // new devices have new indexes
        }
      }
      i = j;
    }
  }

  /**
   * A batch of changes encoded ahead of time, to be sent by {@link #apply(Prepared)} at most once:
   * the failover path then costs one send and its acks, whatever the planner and the encoder would
   * cost a cold JVM at that moment.
   */
  public static final class Prepared {
    private final ByteBuffer messages;
    private final Map<Integer, Change> bySeq;

    private Prepared(ByteBuffer messages, Map<Integer, Change> bySeq) {
      this.messages = messages;
      this.bySeq = bySeq;
    }
  }

  /**
   * Encodes {@code changes} now for {@link #apply(Prepared)} later, or returns null when they are
   * not one netlink batch (none, sysctls, NAT tables, devices, or several kinds or directions):
   * those go through {@link #apply(List)}.
   */
  public Prepared prepare(List<Change> changes) {
    if (changes.isEmpty()
        || !changes.stream().allMatch(c -> sameBatch(changes.get(0), c))
        || EnumSet.of(Kind.SYSCTL, Kind.NAT_TABLE, Kind.VXLAN_LINK)
            .contains(changes.get(0).object().kind())) {
      return null;
    }
    Map<Integer, Change> bySeq = new HashMap<>();
    ByteBuffer encoded = encode(changes, bySeq);
    ByteBuffer copy =
        ByteBuffer.allocateDirect(encoded.remaining()).order(encoded.order()).put(encoded).flip();
    return new Prepared(copy, Map.copyOf(bySeq));
  }

  /**
   * Sends a prepared batch and waits for its acks.
   *
   * @throws NetlinkException naming the first refused object and the errno
   */
  public void apply(Prepared batch) {
    socket.send(batch.messages.duplicate());
    awaitAcks(new HashMap<>(batch.bySeq));
  }

  /**
   * The kernel's objects that the agent owns (see {@link KernelObject}), plus the current values of
   * the sysctls {@code desired} names: the {@code observed} side of a diff.
   */
  public List<KernelObject> observe(Collection<KernelObject> desired) {
    List<KernelObject> out = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (KernelObject o : desired) {
      if (o instanceof Sysctl s) {
        keys.add(s.key());
      }
    }
    out.addAll(ProcSysctls.read(keys));
    List<KernelObject> vxlans = new ArrayList<>();
    links = dumpLinks(vxlans);
    out.addAll(vxlans);
    Set<Integer> ours = new HashSet<>();
    links
        .indexes()
        .forEach(
            (name, index) -> {
              if (name.startsWith(ObjectDecoder.DEVICE_PREFIX)) {
                ours.add(index);
              }
            });
    dump(RTM_GETADDR, AF_INET, 8, ours, out);
    dump(RTM_GETNEIGH, AF_INET, 12, ours, out);
    dump(RTM_GETNEIGH, AF_BRIDGE, 12, ours, out);
    dump(RTM_GETNEXTHOP, AF_UNSPEC, 8, ours, out);
    dump(RTM_GETROUTE, AF_INET, 12, ours, out);
    return out;
  }

  /** The kernel's counters of one link (IFLA_STATS64). */
  public record LinkCounters(long rxPackets, long txPackets, long rxBytes, long txBytes) {}

  /** The counters of every link whose name starts with {@code prefix}, by name. */
  public Map<String, LinkCounters> linkCounters(String prefix) {
    Map<String, LinkCounters> out = new java.util.TreeMap<>();
    for (ByteBuffer d : dumpRaw(RTM_GETLINK, AF_UNSPEC, 16)) {
      forEachMessage(
          d,
          RTM_NEWLINK,
          at -> {
            Attributes a = Attributes.parse(d, at + 32, at + d.getInt(at));
            if (a.has(IFLA_IFNAME) && a.has(IFLA_STATS64)) {
              String name = a.string(IFLA_IFNAME);
              if (name.startsWith(prefix)) {
                ByteBuffer st =
                    ByteBuffer.wrap(a.bytes(IFLA_STATS64)).order(java.nio.ByteOrder.nativeOrder());
                // struct rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, tx_bytes, ...
                out.put(
                    name,
                    new LinkCounters(st.getLong(0), st.getLong(8), st.getLong(16), st.getLong(24)));
              }
            }
          });
    }
    return out;
  }

  /**
   * How many buckets of the resilient group {@code group} point at each member nexthop id, as the
   * kernel has them now (a dump of its buckets): after a member comes back its share grows only as
   * its buckets fall idle, which a split computed from the plan would not show. Empty when the
   * group does not exist.
   */
  public Map<Integer, Integer> bucketCounts(int group) {
    Map<Integer, Integer> out = new java.util.TreeMap<>();
    for (ByteBuffer d : dumpRaw(RTM_GETNEXTHOPBUCKET, AF_UNSPEC, 8)) {
      forEachMessage(
          d,
          RTM_NEWNEXTHOPBUCKET,
          at -> {
            // struct nhmsg is 8 bytes
            Attributes a = Attributes.parse(d, at + 24, at + d.getInt(at));
            if (a.has(NHA_ID) && a.u32(NHA_ID) == group && a.has(NHA_RES_BUCKET)) {
              byte[] nested = a.bytes(NHA_RES_BUCKET);
              Attributes b =
                  Attributes.parse(
                      ByteBuffer.wrap(nested).order(java.nio.ByteOrder.nativeOrder()),
                      0,
                      nested.length);
              if (b.has(NHA_RES_BUCKET_NH_ID)) {
                out.merge(b.u32(NHA_RES_BUCKET_NH_ID), 1, Integer::sum);
              }
            }
          });
    }
    return out;
  }

  /**
   * How many packets the kernel has sent through each member of the nexthop group {@code group}, by
   * member nexthop id (the kernel's nexthop group statistics, Linux 6.7 and later: every route
   * lookup that picks a member counts one; on a router or gateway, one per forwarded packet). The
   * kernel starts them again from 0 whenever the group is replaced, a failover or a gateway coming
   * back. Empty when the group does not exist.
   *
   * @throws NetlinkException when the kernel refuses to report them (one older than 6.7 does not
   *     know the request's NHA_OP_FLAGS)
   */
  public Map<Integer, Long> groupPackets(int group) {
    int s = ++seq;
    writer.clear();
    writer.begin(RTM_GETNEXTHOP, NLM_F_REQUEST, s).u8(AF_UNSPEC);
    for (int i = 1; i < 8; i++) {
      writer.u8(0); // the rest of struct nhmsg
    }
    writer.attrU32(NHA_ID, group).attrU32(NHA_OP_FLAGS, NHA_OP_FLAG_DUMP_STATS).end();
    socket.send(writer.flip());
    while (true) {
      ByteBuffer in = socket.receive();
      for (int at = 0; at + 16 <= in.limit(); at += NetlinkSocket.align(in.getInt(at))) {
        int len = in.getInt(at);
        if (len < 16) {
          break;
        }
        if (in.getInt(at + 8) != s) {
          continue; // a late answer to an earlier request
        }
        int type = in.getShort(at + 4) & 0xffff;
        if (type == NLMSG_ERROR) {
          int errno = -in.getInt(at + 16);
          if (errno == ENOENT) {
            return Map.of();
          }
          throw NetlinkException.of(
              "nexthop group " + group + " statistics",
              errno,
              NetlinkSocket.extAckMessage(in, at, len));
        }
        if (type == RTM_NEWNEXTHOP) {
          // struct nhmsg is 8 bytes
          Attributes a = Attributes.parse(in, at + 24, at + len);
          Map<Integer, Long> out = new java.util.TreeMap<>();
          for (Attributes e : a.nested(NHA_GROUP_STATS).allNested(NHA_GROUP_STATS_ENTRY)) {
            if (e.has(NHA_GROUP_STATS_ENTRY_ID) && e.has(NHA_GROUP_STATS_ENTRY_PACKETS)) {
              out.put(e.u32(NHA_GROUP_STATS_ENTRY_ID), e.uint(NHA_GROUP_STATS_ENTRY_PACKETS));
            }
          }
          return out;
        }
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }

  private static boolean sameBatch(Change a, Change b) {
    return a.object().kind() == b.object().kind()
        && (a instanceof Change.Delete) == (b instanceof Change.Delete);
  }

  private void send(List<Change> batch) {
    Map<Integer, Change> bySeq = new HashMap<>();
    socket.send(encode(batch, bySeq));
    awaitAcks(bySeq);
  }

  /**
   * Encodes {@code batch} into the writer, each with a new sequence number put in {@code bySeq}.
   */
  private ByteBuffer encode(List<Change> batch, Map<Integer, Change> bySeq) {
    LinkTable table = linkTable();
    writer.clear();
    for (Change c : batch) {
      int s = ++seq;
      ChangeEncoder.encode(c, s, writer, table);
      bySeq.put(s, c);
    }
    return writer.flip();
  }

  /** Receives until every request in {@code bySeq} is acked; throws for the first refused. */
  private void awaitAcks(Map<Integer, Change> bySeq) {
    NetlinkException first = null;
    int firstSeq = Integer.MAX_VALUE;
    while (!bySeq.isEmpty()) {
      ByteBuffer in = socket.receive();
      for (int at = 0; at + 16 <= in.limit(); at += NetlinkSocket.align(in.getInt(at))) {
        int len = in.getInt(at);
        int type = in.getShort(at + 4) & 0xffff;
        int s = in.getInt(at + 8);
        if (len < 16) {
          break;
        }
        Change c = bySeq.remove(s);
        if (c == null || type != NLMSG_ERROR) {
          continue; // a late answer to an earlier request
        }
        int errno = -in.getInt(at + 16);
        if (errno != 0 && Integer.compareUnsigned(s, firstSeq) < 0) {
          firstSeq = s;
          first =
              NetlinkException.of(
                  verb(c) + " " + c.object(), errno, NetlinkSocket.extAckMessage(in, at, len));
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static String verb(Change c) {
    return c instanceof Change.Add ? "add" : c instanceof Change.Replace ? "replace" : "delete";
  }

  private LinkTable linkTable() {
    if (links == null) {
      links = dumpLinks(new ArrayList<>());
    }
    return links;
  }

  private LinkTable dumpLinks(List<KernelObject> vxlans) {
    Map<String, Integer> indexes = new HashMap<>();
    Map<Integer, String> names = new HashMap<>();
    // two passes over the same dump: names first, then our VXLAN devices, whose underlay device is
    // by index
    List<ByteBuffer> datagrams = dumpRaw(RTM_GETLINK, AF_UNSPEC, 16);
    for (ByteBuffer d : datagrams) {
      forEachMessage(
          d,
          RTM_NEWLINK,
          at -> {
            Attributes a = Attributes.parse(d, at + 32, at + d.getInt(at));
            if (a.has(IFLA_IFNAME)) {
              int index = d.getInt(at + 20);
              indexes.put(a.string(IFLA_IFNAME), index);
              names.put(index, a.string(IFLA_IFNAME));
            }
          });
    }
    LinkTable table = new LinkTable(Map.copyOf(indexes), Map.copyOf(names));
    for (ByteBuffer d : datagrams) {
      forEachMessage(d, RTM_NEWLINK, at -> ObjectDecoder.decode(d, at, table, Set.of(), vxlans));
    }
    return table;
  }

  private void dump(
      int type, int family, int headerLength, Set<Integer> ours, List<KernelObject> out) {
    LinkTable table = links;
    for (ByteBuffer d : dumpRaw(type, family, headerLength)) {
      forEachMessage(d, -1, at -> ObjectDecoder.decode(d, at, table, ours, out));
    }
  }

  /** Sends one dump request and returns copies of the reply datagrams up to NLMSG_DONE. */
  private List<ByteBuffer> dumpRaw(int type, int family, int headerLength) {
    return socket.dump(writer, ++seq, "dump " + type, type, family, headerLength);
  }

  private interface MessageVisitor {
    void visit(int at);
  }

  private static void forEachMessage(ByteBuffer d, int type, MessageVisitor v) {
    for (int at = 0; at + 16 <= d.limit(); at += NetlinkSocket.align(d.getInt(at))) {
      int len = d.getInt(at);
      if (len < 16) {
        return;
      }
      int t = d.getShort(at + 4) & 0xffff;
      if (type < 0 ? t != NLMSG_DONE && t != NLMSG_ERROR : t == type) {
        v.visit(at);
      }
    }
  }
}
