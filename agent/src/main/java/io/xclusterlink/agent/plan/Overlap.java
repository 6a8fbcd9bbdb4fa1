package io.xclusterlink.agent.plan;

import java.util.List;
import java.util.Objects;

/**
 * How the two VPCs' addresses relate: disjoint and routed as they are, or overlapping and
 * translated.
 */
public sealed interface Overlap {

  /** Disjoint CIDRs: no translation, hash on addresses and ports (fields 0x0037). */
  record None() implements Overlap {}

  /**
   * Overlapping CIDRs: each local prefix is seen by the world as a global prefix of the same
   * length, translated statelessly 1:1 on the gateways; remote prefixes in the tunnel are then
   * global ones.
   *
   * @param globalSpace the range all clusters' global prefixes come from (e.g. 242.0.0.0/16)
   */
  record Translated(Ipv4Prefix globalSpace, List<Translation> translations) implements Overlap {
    public Translated {
      Objects.requireNonNull(globalSpace, "globalSpace");
      translations = List.copyOf(translations);
      if (translations.isEmpty()) {
        throw new IllegalArgumentException(
            "translations: [] (expected: at least one local prefix)");
      }
      for (Translation t : translations) {
        if (!globalSpace.contains(t.global().address())
            || t.global().length() < globalSpace.length()) {
          throw new IllegalArgumentException(
              "translation "
                  + t
                  + ": global "
                  + t.global()
                  + " (expected: inside "
                  + globalSpace
                  + ")");
        }
      }
    }
  }

  /** One local prefix and the global prefix it appears as. */
  record Translation(Ipv4Prefix local, Ipv4Prefix global) {
    public Translation {
      if (local.length() != global.length()) {
        throw new IllegalArgumentException(
            "translation "
                + local
                + " -> "
                + global
                + ": lengths "
                + local.length()
                + " and "
                + global.length()
                + " (expected: equal, the translation is 1:1)");
      }
    }

    @Override
    public String toString() {
      return local + " -> " + global;
    }
  }
}
