/**
 * Health of the gateways a node chooses among: the UDP echo every gateway answers, the prober that
 * sends it on the data path, and the pure tracker that turns answers into up and down.
 */
package io.xclusterlink.agent.probe;
