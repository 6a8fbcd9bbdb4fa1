package io.xclusterlink.cli.gateway;

import io.xclusterlink.cli.group.CommandGroup;
import picocli.CommandLine.Command;

/** {@code xcl gateway ...}: the commands that run a gateway process. */
@Command(
    name = "gateway",
    description = "Run a gateway (the process that carries traffic for a peer).",
    subcommands = {StartGatewayCommand.class})
public final class GatewayCommand extends CommandGroup {}
