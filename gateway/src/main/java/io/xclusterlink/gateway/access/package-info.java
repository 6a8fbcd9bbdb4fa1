/**
 * The per-connection access decisions of both sides (may this import reach that source; may this
 * peer reach that export), over what the control plane publishes: exports, policies, peer labels.
 */
package io.xclusterlink.gateway.access;
