package io.xclusterlink.agent.plan;

/** The one rule for gateway names, shared by both gateway records. */
final class Names {
  private Names() {}

  static void require(String what, String name) {
    if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException(
          what
              + " name: "
              + (name == null ? null : "\"" + name + "\"")
              + " (expected: printable ASCII, no spaces)");
    }
  }
}
