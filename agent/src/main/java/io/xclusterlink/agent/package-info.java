/** The L3 network path on a gateway node: VPC tunnels turned into kernel state. */
package io.xclusterlink.agent;
