package io.xclusterlink.cli.pki;

import io.xclusterlink.cli.group.CommandGroup;
import picocli.CommandLine.Command;

/** {@code xcl peer-cert ...}: the commands about a peer's certificate and key. */
@Command(
    name = "peer-cert",
    description =
        "Manage peer certificates (signed by the fabric CA; the peer's name is the DNS SAN).",
    subcommands = {CreatePeerCertCommand.class})
public final class PeerCertCommand extends CommandGroup {}
