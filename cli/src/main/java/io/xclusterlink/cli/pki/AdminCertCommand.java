package io.xclusterlink.cli.pki;

import io.xclusterlink.cli.group.CommandGroup;
import picocli.CommandLine.Command;

/** {@code xcl admin-cert ...}: the commands about an admin's client certificate. */
@Command(
    name = "admin-cert",
    description =
        "Manage admin certificates: client certificates of the fabric CA for a gateway's TCP admin listener.",
    subcommands = {CreateAdminCertCommand.class})
public final class AdminCertCommand extends CommandGroup {}
