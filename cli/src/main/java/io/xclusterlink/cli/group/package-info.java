/** What every command group of the CLI shares: run without a subcommand, it says which exist. */
package io.xclusterlink.cli.group;
