package io.xclusterlink.agent.plan;

import java.nio.charset.StandardCharsets;

/**
 * 32-bit FNV-1a: the hash behind nexthop ids and hash seeds. Chosen because it is fixed forever
 * (unlike {@code String.hashCode} it is specified outside Java, so another implementation of the
 * agent can derive the same ids and seeds) and is a few lines.
 */
final class Fnv1a {
  private static final int OFFSET_BASIS = 0x811c9dc5;
  private static final int PRIME = 0x01000193;

  private Fnv1a() {}

  static int hash(String text) {
    int h = OFFSET_BASIS;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= PRIME;
    }
    return h;
  }
}
