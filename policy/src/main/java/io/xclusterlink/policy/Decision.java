package io.xclusterlink.policy;

import java.util.Objects;

/** The outcome of evaluating access policies for one connection on one side. */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

  /** Whether the connection may proceed. */
  boolean allowed();

  /**
   * The connection is allowed.
   *
   * @param policy the deciding policy, {@code "AccessPolicy ns/name"} or {@code
   *     "PrivilegedAccessPolicy name"}
   */
  record Allow(String policy) implements Decision {
    public Allow {
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public boolean allowed() {
      return true;
    }
  }

  /**
   * The connection is refused.
   *
   * @param policy the deciding policy as in {@link Allow}, or null for the default deny
   * @param reason one line for logs and refusals, e.g. {@code "denied by PrivilegedAccessPolicy
   *     block-p2"} or {@code "no policy allows it (default deny)"}
   */
  record Deny(String policy, String reason) implements Decision {
    public Deny {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean allowed() {
      return false;
    }
  }
}
