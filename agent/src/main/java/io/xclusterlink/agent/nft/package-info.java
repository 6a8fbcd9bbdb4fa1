/**
 * The NAT table of overlapping VPCs, loaded and read back with the {@code nft} tool: off the
 * failover path, so one forked process per change is acceptable there.
 */
package io.xclusterlink.agent.nft;
