/** The {@code xcl bench} command: runs the repository's benchmark script. */
package io.xclusterlink.cli.bench;
