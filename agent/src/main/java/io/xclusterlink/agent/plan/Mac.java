package io.xclusterlink.agent.plan;

/** An Ethernet address, held as its 48 bits. */
public record Mac(long bits) {

  /** Written out: see {@link KernelObject} on records' generated {@code equals} at start-up. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Mac x && bits == x.bits;
  }

  public Mac {
    if ((bits & ~0xffff_ffff_ffffL) != 0) {
      throw new IllegalArgumentException("MAC: " + Long.toHexString(bits) + " (expected: 48 bits)");
    }
  }

  /**
   * The fixed MAC of a VXLAN device, derived from its overlay address: {@code 02:58:} then the four
   * octets. 0x02 marks a locally administered unicast address, 0x58 is 'X'. Every node computes a
   * remote gateway's MAC from its overlay address alone, so FDB and neighbour entries need no
   * exchange, and a restarted gateway comes back with the same MAC (trap 7: no MAC changes).
   */
  public static Mac ofOverlay(Ipv4 overlay) {
    return new Mac(0x0258_0000_0000L | (overlay.bits() & 0xffff_ffffL));
  }

  /** The address from its six octets. */
  public static Mac of(byte[] octets) {
    if (octets.length != 6) {
      throw new IllegalArgumentException("MAC: " + octets.length + " bytes (expected: 6)");
    }
    long bits = 0;
    for (byte b : octets) {
      bits = bits << 8 | (b & 0xff);
    }
    return new Mac(bits);
  }

  /** The six octets. */
  public byte[] octets() {
    byte[] out = new byte[6];
    for (int i = 0; i < 6; i++) {
      out[i] = (byte) (bits >>> (40 - 8 * i));
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      if (i > 0) {
        sb.append(':');
      }
      int octet = (int) (bits >>> (40 - 8 * i)) & 0xff;
      sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
    }
    return sb.toString();
  }
}
