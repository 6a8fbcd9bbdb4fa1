package io.xclusterlink.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The attributes of one message (or one nested attribute), by type, each as a slice in host order.
 */
final class Attributes {
  private final Map<Integer, ByteBuffer> byType = new HashMap<>();

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
      a.byType.put(type, buf.slice(at + 4, len - 4).order(ByteOrder.nativeOrder()));
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
