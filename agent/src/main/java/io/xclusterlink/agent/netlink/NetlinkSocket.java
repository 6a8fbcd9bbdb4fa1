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
   * refusal names {@code what}.
   */
  List<ByteBuffer> dump(
      MessageWriter writer, int seq, String what, int type, int family, int headerLength) {
    writer.clear();
    writer.begin(type, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, seq).u8(family);
    for (int i = 1; i < headerLength; i++) {
      writer.u8(0);
    }
    writer.end();
    send(writer.flip());
    List<ByteBuffer> out = new ArrayList<>();
    while (true) {
      ByteBuffer in = receive();
      ByteBuffer copy = ByteBuffer.allocate(in.limit()).order(in.order());
      copy.put(in.duplicate()).flip();
      boolean done = false;
      for (int at = 0; at + 16 <= copy.limit(); at += align(copy.getInt(at))) {
        if (copy.getInt(at + 8) != seq || copy.getInt(at) < 16) {
          continue;
        }
        int t = copy.getShort(at + 4) & 0xffff;
        if (t == Rtnl.NLMSG_DONE) {
          done = true;
        } else if (t == Rtnl.NLMSG_ERROR) {
          int errno = -copy.getInt(at + 16);
          throw NetlinkException.of(what, errno, extAckMessage(copy, at, copy.getInt(at)));
        }
      }
      out.add(copy);
      if (done) {
        return out;
      }
    }
  }

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
