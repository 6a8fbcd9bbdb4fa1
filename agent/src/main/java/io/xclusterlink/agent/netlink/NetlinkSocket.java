package io.xclusterlink.agent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One AF_NETLINK socket (NETLINK_ROUTE, or NETLINK_NETFILTER for nftables), blocking. It stays in
 * the network namespace of the thread that opened it, whichever thread uses it later. Not
 * thread-safe.
 */
final class NetlinkSocket implements AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(NetlinkSocket.class);

  private static final int RECEIVE_BUFFER = 1 << 18;
  private static final int RECEIVE_TIMEOUT_SECONDS = 5;

  private final int fd;
  private final Memory receive = new Memory(RECEIVE_BUFFER);
  private final byte[] kernel = sockaddr();
  private boolean closed;

  private NetlinkSocket(int fd) {
    this.fd = fd;
  }

  /** {@link #open(int)} for rtnetlink. */
  static NetlinkSocket open() {
    return open(LibC.NETLINK_ROUTE);
  }

  /**
   * Opens and binds a socket of {@code protocol}; asks for extended acks so that refusals come with
   * the kernel's reason.
   */
  static NetlinkSocket open(int protocol) {
    int fd;
    try {
      fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
    } catch (LastErrorException e) {
      throw NetlinkException.of("netlink socket", e.getErrorCode(), null);
    }
    NetlinkSocket s = new NetlinkSocket(fd);
    try {
      LibC.bind(fd, sockaddr(), 12);
      LibC.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, new int[] {1}, 4);
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, new int[] {1 << 20}, 4);
      // the kernel answers every request at once; a missing answer is a bug, not a reason to hang
      LibC.setsockopt(
          fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, new long[] {RECEIVE_TIMEOUT_SECONDS, 0}, 16);
    } catch (LastErrorException e) {
      s.close();
      throw NetlinkException.of("netlink socket", e.getErrorCode(), null);
    }
    return s;
  }

  /**
   * Sends every message in {@code messages} (a direct buffer, position to limit) in one datagram.
   */
  void send(ByteBuffer messages) {
    Pointer p = Native.getDirectBufferPointer(messages).share(messages.position());
    try {
      LibC.sendto(fd, p, messages.remaining(), 0, kernel, kernel.length);
    } catch (LastErrorException e) {
      throw NetlinkException.of("netlink send", e.getErrorCode(), null);
    }
  }

  /** Receives one datagram (one or more messages) into a buffer valid until the next call. */
  ByteBuffer receive() {
    long n;
    try {
      n = LibC.recv(fd, receive, RECEIVE_BUFFER, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EAGAIN) {
        throw new NetlinkException(
            "netlink receive: no answer from the kernel within " + RECEIVE_TIMEOUT_SECONDS + " s",
            LibC.EAGAIN);
      }
      throw NetlinkException.of("netlink receive", e.getErrorCode(), null);
    }
    return receive.getByteBuffer(0, n).order(ByteOrder.nativeOrder());
  }

  /**
   * Sends one dump request of {@code type} whose fixed header is {@code headerLength} bytes with
   * {@code family} in its first, and returns copies of the reply datagrams up to NLMSG_DONE; a
   * refusal names {@code what}. A dump the kernel marks as interrupted by a change (a table changed
   * while it was being read: NLM_F_DUMP_INTR) is read again, a few times at most.
   */
  List<ByteBuffer> dump(
      MessageWriter writer, int seq, String what, int type, int family, int headerLength) {
    for (int attempt = 1; ; attempt++) {
      writer.clear();
      writer.begin(type, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, seq).u8(family);
      for (int i = 1; i < headerLength; i++) {
        writer.u8(0);
      }
      writer.end();
      send(writer.flip());
      List<ByteBuffer> out = new ArrayList<>();
      int seen = 0;
      while ((seen & DONE) == 0) {
        ByteBuffer in = receive();
        ByteBuffer copy = ByteBuffer.allocate(in.limit()).order(in.order());
        copy.put(in.duplicate()).flip();
        seen |= scanDumpReply(copy, seq, what);
        out.add(copy);
      }
      if ((seen & INTERRUPTED) == 0) {
        return out;
      }
      if (attempt == DUMP_ATTEMPTS) {
        // the table keeps changing: this reading may mix states; the next resync reads it again
        log.debug("{}: interrupted by changes {} times; using the last reading", what, attempt);
        return out;
      }
    }
  }

  static final int DONE = 1;
  static final int INTERRUPTED = 2;

  /**
   * Walks one datagram of a dump's reply: {@link #DONE} when it holds {@code seq}'s NLMSG_DONE,
   * {@link #INTERRUPTED} when a message of {@code seq} says the dump was interrupted; a kernel
   * refusal, or a message whose length does not fit the datagram, is thrown naming {@code what}.
   */
  static int scanDumpReply(ByteBuffer datagram, int seq, String what) {
    int seen = 0;
    int limit = datagram.limit();
    for (int at = 0; at < limit; ) {
      int len = at + 16 <= limit ? datagram.getInt(at) : 0;
      if (len < 16 || len > limit - at) {
        throw new NetlinkException(
            what
                + ": a malformed reply from the kernel (a message of "
                + len
                + " bytes at "
                + at
                + " of a "
                + limit
                + "-byte datagram; expected: 16 bytes or more, within it)",
            0);
      }
      if (datagram.getInt(at + 8) == seq) {
        int t = datagram.getShort(at + 4) & 0xffff;
        if ((datagram.getShort(at + 6) & Rtnl.NLM_F_DUMP_INTR) != 0) {
          seen |= INTERRUPTED;
        }
        if (t == Rtnl.NLMSG_DONE) {
          seen |= DONE;
        } else if (t == Rtnl.NLMSG_ERROR && len >= 20) {
          int errno = -datagram.getInt(at + 16);
          throw NetlinkException.of(what, errno, extAckMessage(datagram, at, len));
        }
      }
      at += align(len);
    }
    return seen;
  }

  /** How often a dump interrupted by changes is read again before its last reading is used. */
  static final int DUMP_ATTEMPTS = 4;

  /** The kernel's explanation in an error message's extended-ack attributes, or null. */
  static String extAckMessage(ByteBuffer in, int at, int len) {
    int flags = in.getShort(at + 6) & 0xffff;
    if ((flags & Rtnl.NLM_F_ACK_TLVS) == 0) {
      return null;
    }
    int original = at + 20;
    int attrs =
        (flags & Rtnl.NLM_F_CAPPED) != 0 ? original + 16 : original + align(in.getInt(original));
    Attributes a = Attributes.parse(in, attrs, at + len);
    return a.has(Rtnl.NLMSGERR_ATTR_MSG) ? a.string(Rtnl.NLMSGERR_ATTR_MSG) : null;
  }

  /** A netlink message's length rounded up to the next message. */
  static int align(int len) {
    return (len + 3) & ~3;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
    }
  }

  /**
   * sockaddr_nl of the kernel (and, for bind, "any port id"): family AF_NETLINK, pid 0, no groups.
   */
  private static byte[] sockaddr() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
    b.putShort((short) LibC.AF_NETLINK);
    return b.array();
  }
}
