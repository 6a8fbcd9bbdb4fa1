/**
 * The rtnetlink adapter: applies the planner's changes to the kernel and reads back the objects the
 * agent owns, over one NETLINK_ROUTE socket opened through JNA, without forking a process.
 */
package io.xclusterlink.agent.netlink;
