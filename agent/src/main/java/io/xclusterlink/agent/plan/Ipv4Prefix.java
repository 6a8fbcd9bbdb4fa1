package io.xclusterlink.agent.plan;

/** An IPv4 prefix in canonical form: no bits set past {@code length}. */
public record Ipv4Prefix(Ipv4 address, int length) implements Comparable<Ipv4Prefix> {

  /** Written out: see {@link KernelObject} on records' generated {@code equals} at start-up. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv4Prefix x
        && java.util.Objects.equals(address, x.address)
        && length == x.length;
  }

  public Ipv4Prefix {
    if (length < 0 || length > 32) {
      throw new IllegalArgumentException("prefix length: " + length + " (expected: 0-32)");
    }
    if ((address.bits() & ~mask(length)) != 0) {
      throw new IllegalArgumentException(
          "prefix: "
              + address
              + "/"
              + length
              + " (expected: no host bits set, e.g. "
              + new Ipv4(address.bits() & mask(length))
              + "/"
              + length
              + ")");
    }
  }

  /** Parses {@code a.b.c.d/n}. */
  public static Ipv4Prefix parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("prefix: " + text + " (expected: a.b.c.d/n)");
    }
    int length;
    try {
      length = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("prefix: " + text + " (expected: a.b.c.d/n)");
    }
    return new Ipv4Prefix(Ipv4.parse(text.substring(0, slash)), length);
  }

  /** The netmask of a prefix length, as 32 bits. */
  public static int mask(int length) {
    return length == 0 ? 0 : -1 << (32 - length);
  }

  /** Whether {@code ip} lies inside this prefix. */
  public boolean contains(Ipv4 ip) {
    return (ip.bits() & mask(length)) == address.bits();
  }

  /** Whether this prefix and {@code other} share any address. */
  public boolean overlaps(Ipv4Prefix other) {
    int shorter = Math.min(length, other.length);
    return ((address.bits() ^ other.address.bits()) & mask(shorter)) == 0;
  }

  /**
   * The host part as an address, e.g. 0.0.0.255 for a /24: what nft masks with to keep host bits.
   */
  public Ipv4 hostmask() {
    return new Ipv4(~mask(length));
  }

  @Override
  public int compareTo(Ipv4Prefix other) {
    int c = address.compareTo(other.address);
    return c != 0 ? c : Integer.compare(length, other.length);
  }

  @Override
  public String toString() {
    return address + "/" + length;
  }
}
