/**
 * JMH micro-benchmarks of the per-connection hot path: policy decisions and the tunnel request
 * codec.
 */
package io.xclusterlink.bench;
