/** Plain-text tables for the CLI's human-readable output. */
package io.xclusterlink.cli.table;
