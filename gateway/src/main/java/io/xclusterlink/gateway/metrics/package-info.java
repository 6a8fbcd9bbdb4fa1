/** Counters and gauges of a gateway, exported in the Prometheus text format. */
package io.xclusterlink.gateway.metrics;
