package io.xclusterlink.cli.agent;

import io.xclusterlink.cli.group.CommandGroup;
import picocli.CommandLine.Command;

/** {@code xcl agent ...}: the commands that run the L3 agent. */
@Command(
    name = "agent",
    description = "Run the L3 agent of a VPC router or gateway node (needs CAP_NET_ADMIN).",
    subcommands = {RunAgentCommand.class})
public final class AgentCommand extends CommandGroup {}
