package io.xclusterlink.agent.plan;

/** An IPv4 address, held as its 32 bits in network order. */
public record Ipv4(int bits) implements Comparable<Ipv4> {

  /** Written out: see {@link KernelObject} on records' generated {@code equals} at start-up. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv4 x && bits == x.bits;
  }

  /**
   * Parses dotted-quad notation.
   *
   * @throws IllegalArgumentException showing the value and the expectation
   */
  public static Ipv4 parse(String text) {
    String[] parts = text == null ? new String[0] : text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("IPv4 address: " + text + " (expected: a.b.c.d)");
    }
    int bits = 0;
    for (String part : parts) {
      int octet;
      try {
        octet = part.isEmpty() || part.length() > 3 ? -1 : Integer.parseInt(part);
      } catch (NumberFormatException e) {
        octet = -1;
      }
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException(
            "IPv4 address: " + text + " (expected: a.b.c.d, each 0-255)");
      }
      bits = bits << 8 | octet;
    }
    return new Ipv4(bits);
  }

  /** The address from its four octets in network order. */
  public static Ipv4 of(byte[] octets) {
    if (octets.length != 4) {
      throw new IllegalArgumentException("IPv4 address: " + octets.length + " bytes (expected: 4)");
    }
    return new Ipv4(
        (octets[0] & 0xff) << 24
            | (octets[1] & 0xff) << 16
            | (octets[2] & 0xff) << 8
            | octets[3] & 0xff);
  }

  /** The four octets in network order. */
  public byte[] octets() {
    return new byte[] {
      (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
    };
  }

  @Override
  public int compareTo(Ipv4 other) {
    return Integer.compareUnsigned(bits, other.bits);
  }

  @Override
  public String toString() {
    return (bits >>> 24)
        + "."
        + (bits >>> 16 & 0xff)
        + "."
        + (bits >>> 8 & 0xff)
        + "."
        + (bits & 0xff);
  }
}
