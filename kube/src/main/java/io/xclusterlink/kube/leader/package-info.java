/** Which replica of a peer's gateway writes status: Lease-based leader election. */
package io.xclusterlink.kube.leader;
