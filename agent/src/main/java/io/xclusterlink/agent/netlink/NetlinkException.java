package io.xclusterlink.agent.netlink;

/**
 * The kernel refused a request (or the socket failed): names the object, the errno and the kernel's
 * explanation when it gave one, e.g. {@code "nexthop 21 via 100.64.0.21 dev vx0: Network is
 * unreachable (errno 101)"}.
 */
public final class NetlinkException extends RuntimeException {
  static final int EPERM = 1;

  private final int errno;

  NetlinkException(String message, int errno) {
    super(message);
    this.errno = errno;
  }

  /** The positive errno the kernel answered with. */
  public int errno() {
    return errno;
  }

  /**
   * The one place a kernel answer becomes a message.
   *
   * @param what the object and operation, e.g. "nexthop 21 via 100.64.0.21 dev vx0"
   * @param kernelMessage the extended ack's text, or null
   */
  static NetlinkException of(String what, int errno, String kernelMessage) {
    if (errno == EPERM) {
      return new NetlinkException(
          what
              + ": needs CAP_NET_ADMIN to program "
              + noun(what)
              + " (run as root or grant the capability)",
          errno);
    }
    String reason = LibC.strerror(errno);
    String detail =
        kernelMessage == null || kernelMessage.isEmpty() ? "" : " [kernel: " + kernelMessage + "]";
    return new NetlinkException(what + ": " + reason + " (errno " + errno + ")" + detail, errno);
  }

  private static String noun(String what) {
    String[] words = what.split(" ");
    // "add nexthop ...", "replace route ...": the object's kind is the word after the verb
    String first = words.length > 1 && words[0].matches("add|replace|delete") ? words[1] : words[0];
    return switch (first) {
      case "nexthop" -> "nexthops";
      case "route" -> "routes";
      case "fdb" -> "FDB entries";
      case "neigh" -> "neighbour entries";
      case "link" -> "links";
      case "address" -> "addresses";
      default -> "the kernel";
    };
  }
}
