package io.xclusterlink.cli.agent;

import io.xclusterlink.agent.config.AgentConfig;
import io.xclusterlink.agent.config.AgentConfigReader;
import io.xclusterlink.agent.netlink.NetlinkException;
import io.xclusterlink.agent.nft.NftException;
import io.xclusterlink.agent.run.Agent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xcl agent run --config FILE}: reads the one {@link AgentConfig}, then runs the {@link
 * Agent} on this thread — in this process's network namespace (start it with {@code ip netns exec}
 * to program another) — until SIGTERM or SIGINT, when a shutdown hook stops it. The kernel state
 * stays: traffic keeps flowing while the agent restarts.
 */
@Command(
    name = "run",
    description =
        "Program this node's kernel for its VPC tunnel and keep it right (probes, failover) until"
            + " SIGTERM/Ctrl-C. Needs CAP_NET_ADMIN.")
public final class RunAgentCommand implements Callable<Integer> {
  /** The exit code of a refusal by the kernel or nft (XclExceptionHandler's EXIT_ERROR). */
  private static final int EXIT_ERROR = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description =
          "The agent's YAML or JSON config: role, tunnel, probes (see docs/network-path.md).")
  Path config;

  @Override
  public Integer call() {
    AgentConfig cfg;
    try {
      cfg = AgentConfigReader.read(config);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Agent agent = new Agent(cfg);
    Thread hook = new Thread(agent::close, "xcl-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      agent.run();
      return 0;
    } catch (NetlinkException | NftException | IOException e) {
      // the kernel's or nft's refusal already names the object and the reason
      spec.commandLine().getErr().println("xcl: " + e.getMessage());
      return EXIT_ERROR;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running
      }
    }
  }
}
