package io.xclusterlink.agent.netlink;

import java.util.Map;

/** Interface names and indexes of the socket's namespace, as last dumped. */
record LinkTable(Map<String, Integer> indexes, Map<Integer, String> names) {

  /** The index of {@code name}; {@code what} names the object that needs it, for the message. */
  int index(String name, String what) {
    Integer i = indexes.get(name);
    if (i == null) {
      throw new NetlinkException(
          what + ": no such device " + name + " (expected: an existing interface)", 19);
    }
    return i;
  }

  String name(int index) {
    String n = names.get(index);
    return n == null ? "if" + index : n;
  }
}
