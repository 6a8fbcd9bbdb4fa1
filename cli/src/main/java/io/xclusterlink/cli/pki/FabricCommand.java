package io.xclusterlink.cli.pki;

import io.xclusterlink.cli.group.CommandGroup;
import picocli.CommandLine.Command;

/** {@code xcl fabric ...}: the commands about a fabric's root CA. */
@Command(
    name = "fabric",
    description = "Manage fabrics (a set of peers that share one root CA).",
    subcommands = {CreateFabricCommand.class})
public final class FabricCommand extends CommandGroup {}
