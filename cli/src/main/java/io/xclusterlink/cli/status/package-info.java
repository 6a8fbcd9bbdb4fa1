/**
 * The {@code status} command: a human summary of a gateway's peers, imports, exports and counters.
 */
package io.xclusterlink.cli.status;
