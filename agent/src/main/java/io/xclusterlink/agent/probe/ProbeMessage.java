package io.xclusterlink.agent.probe;

import java.nio.ByteBuffer;

/**
 * The probe datagram, exactly {@value #LENGTH} bytes, big-endian: magic {@code "XCLP"}, version 1,
 * type, two zero bytes, and 8 bytes of body. A request and its reply carry an 8-byte token the
 * reply echoes. A down hint ({@link #HINT} from the node that decided, {@link #RELAYED} from a
 * gateway passing it on) carries the overlay IPv4 address of the gateway judged down, then four
 * zero bytes. A gateway whose agent stops in order (the kernel state stays, traffic keeps flowing)
 * says {@link #RESTARTING} to the nodes that probe it: the body is how long, in milliseconds, they
 * should not count its silence, then four zero bytes. Anything of another length, magic, version or
 * type is ignored by every end.
 */
final class ProbeMessage {
  static final int LENGTH = 16;
  static final int MAGIC = 0x58434c50;
  static final byte VERSION = 1;
  static final byte REQUEST = 1;
  static final byte REPLY = 2;
  static final byte HINT = 3;
  static final byte RELAYED = 4;
  static final byte RESTARTING = 5;

  private ProbeMessage() {}

  static void write(ByteBuffer out, byte type, long token) {
    out.clear();
    out.putInt(MAGIC).put(VERSION).put(type).putShort((short) 0).putLong(token).flip();
  }

  /** A down hint of {@code type} ({@link #HINT} or {@link #RELAYED}) about {@code overlay}. */
  static void writeHint(ByteBuffer out, byte type, int overlay) {
    write(out, type, (long) overlay << 32);
  }

  /** Whether {@code in} (position 0 to limit) is one well-formed message of {@code type}. */
  static boolean is(ByteBuffer in, byte type) {
    return in.limit() == LENGTH
        && in.getInt(0) == MAGIC
        && in.get(4) == VERSION
        && in.get(5) == type
        && in.getShort(6) == 0
        && (type == REQUEST || type == REPLY || in.getInt(12) == 0);
  }

  static long token(ByteBuffer in) {
    return in.getLong(8);
  }

  /** A gateway's "restarting, give me {@code holdMillis}" to the nodes that probe it. */
  static void writeRestarting(ByteBuffer out, int holdMillis) {
    write(out, RESTARTING, (long) holdMillis << 32);
  }

  /** The hold a {@link #RESTARTING} message asks for, in milliseconds. */
  static int holdMillis(ByteBuffer in) {
    return in.getInt(8);
  }

  /** The overlay address a hint names (as {@link io.xclusterlink.agent.plan.Ipv4#bits}). */
  static int hinted(ByteBuffer in) {
    return in.getInt(8);
  }
}
