package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NftTablesTest {
  @Test
  void readsTheCommentAmongOtherUserDataAndToleratesBrokenEntries() {
    byte[] comment = "xcl:ab\0".getBytes(StandardCharsets.UTF_8);
    byte[] other = {9, 2, 1, 2};
    assertThat(NftTables.comment(concat(other, entry(0, comment)))).isEqualTo("xcl:ab");
    assertThat(NftTables.comment(entry(0, comment))).isEqualTo("xcl:ab");
    assertThat(NftTables.comment(other)).isEmpty();
    assertThat(NftTables.comment(new byte[] {0, 40, 'x'})).isEmpty(); // length past the end
    assertThat(NftTables.comment(new byte[0])).isEmpty();
  }

  @Test
  void decodesTableMessagesAndSkipsEverythingElse() {
    ByteBuffer d = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    table(d, "xcl_nat_1", entry(0, "xcl:ff\0".getBytes(StandardCharsets.UTF_8)));
    table(d, "plain", null);
    message(d, 3, new byte[4]); // NLMSG_DONE
    d.flip();
    assertThat(NftTables.decode(List.of(d))).isEqualTo(Map.of("xcl_nat_1", "xcl:ff", "plain", ""));
  }

  private static void table(ByteBuffer d, String name, byte[] userData) {
    ByteBuffer body = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    body.put(new byte[] {2, 0, 0, 0}); // nfgenmsg: NFPROTO_IPV4
    attribute(body, 1, (name + "\0").getBytes(StandardCharsets.US_ASCII));
    if (userData != null) {
      attribute(body, 6, userData);
    }
    byte[] b = new byte[body.position()];
    body.flip().get(b);
    message(d, 10 << 8, b);
  }

  private static void message(ByteBuffer d, int type, byte[] body) {
    int len = 16 + body.length;
    d.putInt(len).putShort((short) type).putShort((short) 2).putInt(1).putInt(0).put(body);
    d.position(d.position() + ((len + 3 & ~3) - len));
  }

  private static void attribute(ByteBuffer b, int type, byte[] value) {
    int len = 4 + value.length;
    b.putShort((short) len).putShort((short) type).put(value);
    b.position(b.position() + ((len + 3 & ~3) - len));
  }

  private static byte[] entry(int type, byte[] value) {
    return concat(new byte[] {(byte) type, (byte) value.length}, value);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
