package io.xclusterlink.agent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One AF_NETLINK/NETLINK_ROUTE socket, blocking. It stays in the network namespace of the thread
 * that opened it, whichever thread uses it later. Not thread-safe.
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

  /**
   * Opens and binds a socket; asks for extended acks so that refusals come with the kernel's
   * reason.
   */
  static NetlinkSocket open() {
    int fd;
    try {
      fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
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
