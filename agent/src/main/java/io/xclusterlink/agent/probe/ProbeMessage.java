package io.xclusterlink.agent.probe;

import java.nio.ByteBuffer;

/**
 * The probe datagram, exactly {@value #LENGTH} bytes, big-endian: magic {@code "XCLP"}, version 1,
 * type (1 request, 2 reply), two zero bytes, and an 8-byte token the reply echoes. Anything of
 * another length, magic, version or type is ignored by both ends.
 */
final class ProbeMessage {
  static final int LENGTH = 16;
  static final int MAGIC = 0x58434c50;
  static final byte VERSION = 1;
  static final byte REQUEST = 1;
  static final byte REPLY = 2;

  private ProbeMessage() {}

  static void write(ByteBuffer out, byte type, long token) {
    out.clear();
    out.putInt(MAGIC).put(VERSION).put(type).putShort((short) 0).putLong(token).flip();
  }

  /** Whether {@code in} (position 0 to limit) is one well-formed message of {@code type}. */
  static boolean is(ByteBuffer in, byte type) {
    return in.limit() == LENGTH
        && in.getInt(0) == MAGIC
        && in.get(4) == VERSION
        && in.get(5) == type
        && in.getShort(6) == 0;
  }

  static long token(ByteBuffer in) {
    return in.getLong(8);
  }
}
