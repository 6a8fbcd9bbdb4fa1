/** The {@code xcl} command line: the root command, its exception handler and version. */
package io.xclusterlink.cli;
