package io.xclusterlink.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Appends netlink messages to one buffer, so that a batch goes to the kernel in one send. Headers
 * are in host order, addresses and ports (written with {@link #attrBytes}, {@link #attrBe16}) in
 * network order. Attributes are padded to 4 bytes, as NLA_ALIGN wants. Not thread-safe.
 */
final class MessageWriter {
  private ByteBuffer buf;
  private int messageStart = -1;
  private int count;

  MessageWriter(int capacity) {
    buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
  }

  /** Starts a message; its family header follows with the put methods. */
  MessageWriter begin(int type, int flags, int seq) {
    ensure(16);
    messageStart = buf.position();
    buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
    return this;
  }

  MessageWriter u8(int v) {
    ensure(1);
    buf.put((byte) v);
    return this;
  }

  MessageWriter u16(int v) {
    ensure(2);
    buf.putShort((short) v);
    return this;
  }

  MessageWriter u32(int v) {
    ensure(4);
    buf.putInt(v);
    return this;
  }

  MessageWriter attrU8(int type, int v) {
    return attrBytes(type, new byte[] {(byte) v});
  }

  MessageWriter attrU16(int type, int v) {
    attrHeader(type, 2);
    buf.putShort((short) v);
    return pad();
  }

  MessageWriter attrBe16(int type, int v) {
    return attrBytes(type, new byte[] {(byte) (v >>> 8), (byte) v});
  }

  MessageWriter attrU32(int type, int v) {
    attrHeader(type, 4);
    buf.putInt(v);
    return this;
  }

  MessageWriter attrString(int type, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return attrBytes(type, z);
  }

  MessageWriter attrBytes(int type, byte[] value) {
    attrHeader(type, value.length);
    buf.put(value);
    return pad();
  }

  /** Opens a nested attribute; close it with {@link #endNest}. */
  int beginNest(int type) {
    int at = buf.position();
    attrHeader(type | Rtnl.NLA_F_NESTED, 0);
    return at;
  }

  MessageWriter endNest(int at) {
    buf.putShort(at, (short) (buf.position() - at));
    return this;
  }

  /** Closes the current message: writes its length. */
  MessageWriter end() {
    buf.putInt(messageStart, buf.position() - messageStart);
    messageStart = -1;
    count++;
    return this;
  }

  int messages() {
    return count;
  }

  /** The written bytes, ready to send; the writer starts over. */
  ByteBuffer flip() {
    ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder()).flip();
    return out;
  }

  void clear() {
    buf.clear();
    count = 0;
  }

  private void attrHeader(int type, int payload) {
    ensure(4 + payload + 3);
    buf.putShort((short) (4 + payload)).putShort((short) type);
  }

  private MessageWriter pad() {
    while ((buf.position() & 3) != 0) {
      buf.put((byte) 0);
    }
    return this;
  }

  private void ensure(int more) {
    if (buf.remaining() < more + 64) {
      ByteBuffer bigger =
          ByteBuffer.allocateDirect(Math.max(buf.capacity() * 2, buf.position() + more + 64))
              .order(ByteOrder.nativeOrder());
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }
}
