package io.xclusterlink.agent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** The few libc calls the adapter needs, bound directly (JNA direct mapping: no proxy per call). */
final class LibC {
  static final int AF_NETLINK = 16;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int NETLINK_ROUTE = 0;
  static final int NETLINK_NETFILTER = 12;
  static final int SOL_NETLINK = 270;
  static final int NETLINK_EXT_ACK = 11;
  static final int NETLINK_GET_STRICT_CHK = 12;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVTIMEO = 20;
  static final int EAGAIN = 11;

  static {
    // JNA computes its default library path on first use by forking `ldconfig -p`, on every
    // agent's start. We load only libc, which JNA binds to the process's own (already loaded) C
    // library without searching any path; with the path given (empty), JNA forks nothing. A path
    // set by the user stays.
    if (System.getProperty("jna.platform.library.path") == null) {
      System.setProperty("jna.platform.library.path", "");
    }
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

  static native long sendto(int fd, Pointer buf, long len, int flags, byte[] addr, int addrlen)
      throws LastErrorException;

  static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, int[] value, int len)
      throws LastErrorException;

  /** For struct timeval options: {seconds, microseconds}. */
  static native int setsockopt(int fd, int level, int name, long[] value, int len)
      throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native String strerror(int errnum);

  static native int gettid();

  static native int setpriority(int which, int who, int prio) throws LastErrorException;
}
