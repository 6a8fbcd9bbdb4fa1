package io.xclusterlink.agent.config;

import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Tunnel;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one agent needs, parsed once ({@link AgentConfigReader}): which node it programs, the
 * tunnel (every gateway starting as {@link io.xclusterlink.agent.plan.Health#UP}), how it probes,
 * and how often it compares the kernel with its plan to repair what others removed.
 */
public record AgentConfig(Node node, Tunnel tunnel, ProbeConfig probe, Duration resync) {
  public AgentConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(tunnel, "tunnel");
    Objects.requireNonNull(probe, "probe");
    if (resync.toMillis() < 100 || resync.toMillis() > 3_600_000) {
      throw new IllegalArgumentException(
          "resyncMillis: " + resync.toMillis() + " (expected: 100-3600000)");
    }
  }

  /** What the node is called in logs: "router" or the gateway's name. */
  public String nodeName() {
    return node instanceof Node.Gateway g ? g.name() : "router";
  }
}
