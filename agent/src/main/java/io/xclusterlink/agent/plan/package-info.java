/**
 * The pure planner of the L3 network path: (node, tunnel, health) to the desired kernel state as
 * values, and the ordered changes that turn an observed state into it.
 */
package io.xclusterlink.agent.plan;
