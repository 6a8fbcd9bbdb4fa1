package io.xclusterlink.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes of one message (or one nested attribute), by type, each as a slice in host order.
 */
final class Attributes {
  private final Map<Integer, ByteBuffer> byType = new HashMap<>();
  private final List<Map.Entry<Integer, ByteBuffer>> inOrder = new ArrayList<>();

  private Attributes() {}

  /** Parses the attributes in {@code buf} from {@code from} to {@code to} (absolute offsets). */
  static Attributes parse(ByteBuffer buf, int from, int to) {
    Attributes a = new Attributes();
    int at = from;
    while (at + 4 <= to) {
      int len = buf.getShort(at) & 0xffff;
      int type = buf.getShort(at + 2) & Rtnl.NLA_TYPE_MASK;
      if (len < 4 || at + len > to) {
        break;
      }
      ByteBuffer value = buf.slice(at + 4, len - 4).order(ByteOrder.nativeOrder());
      a.byType.put(type, value);
      a.inOrder.add(Map.entry(type, value));
      at += (len + 3) & ~3;
    }
    return a;
  }

  boolean has(int type) {
    return byType.containsKey(type);
  }

  int u8(int type) {
    return byType.get(type).get(0) & 0xff;
  }

  int u16(int type) {
    return byType.get(type).getShort(0) & 0xffff;
  }

  int be16(int type) {
    ByteBuffer b = byType.get(type);
    return (b.get(0) & 0xff) << 8 | b.get(1) & 0xff;
  }

  int u32(int type) {
    return byType.get(type).getInt(0);
  }

  /** An NLA_UINT: 4 bytes, or 8 when the value does not fit. */
  long uint(int type) {
    ByteBuffer b = byType.get(type);
    return b.remaining() >= 8 ? b.getLong(0) : b.getInt(0) & 0xffff_ffffL;
  }

  /** Every attribute of {@code type}, nested, in the order sent (a type that repeats: a list). */
  List<Attributes> allNested(int type) {
    List<Attributes> out = new ArrayList<>();
    for (Map.Entry<Integer, ByteBuffer> e : inOrder) {
      if (e.getKey() == type) {
        out.add(parse(e.getValue(), 0, e.getValue().limit()));
      }
    }
    return out;
  }

  byte[] bytes(int type) {
    ByteBuffer b = byType.get(type);
    byte[] out = new byte[b.remaining()];
    b.get(0, out);
    return out;
  }

  String string(int type) {
    byte[] b = bytes(type);
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.US_ASCII);
  }

  Attributes nested(int type) {
    ByteBuffer b = byType.get(type);
    return b == null ? new Attributes() : parse(b, 0, b.limit());
  }
}
