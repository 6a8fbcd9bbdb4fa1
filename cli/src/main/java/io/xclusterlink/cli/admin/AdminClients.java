package io.xclusterlink.cli.admin;

/**
 * Where a command gets its client of the gateway's admin API: the root command, which holds the
 * global {@code --admin} options (picocli injects it as the command's parent).
 */
public interface AdminClients {
  /** A client of the gateway named by the global options. Does no I/O until a request is made. */
  AdminClient adminClient();
}
