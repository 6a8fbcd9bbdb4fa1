package io.xclusterlink.agent.plan;

/** The kernel's rule for interface names, checked where a name enters the plan. */
final class Devices {
  private Devices() {}

  static void require(String field, String name) {
    if (name == null
        || name.isEmpty()
        || name.length() > 15
        || name.chars().anyMatch(c -> c <= 0x20 || c == '/' || c == ':' || c > 0x7e)) {
      throw new IllegalArgumentException(
          field
              + ": "
              + (name == null ? null : "\"" + name + "\"")
              + " (expected: an interface name, 1-15 characters, no '/', ':' or spaces)");
    }
  }
}
