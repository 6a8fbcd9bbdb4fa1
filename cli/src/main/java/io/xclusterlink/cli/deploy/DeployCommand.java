package io.xclusterlink.cli.deploy;

import io.xclusterlink.cli.group.CommandGroup;
import picocli.CommandLine.Command;

/** {@code xcl deploy ...}: the commands that print Kubernetes manifests to apply. */
@Command(
    name = "deploy",
    description = "Print Kubernetes manifests (apply them with `kubectl apply -f -`).",
    subcommands = {DeployPeerCommand.class})
public final class DeployCommand extends CommandGroup {}
