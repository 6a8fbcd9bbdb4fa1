/** Byte relay between the two legs of a tunnel, with backpressure and no copies. */
package io.xclusterlink.gateway.relay;
