/**
 * {@code xcl demo}: a guided tour of three gateways on loopback (round-robin, a deny policy, a
 * failover) that sets itself up and cleans up after itself.
 */
package io.xclusterlink.cli.demo;
