/**
 * The agent's runtime for one node: reconcile the kernel to the plan, probe the gateways it chooses
 * among, and on a health change apply only the group replace the planner asks for.
 */
package io.xclusterlink.agent.run;
