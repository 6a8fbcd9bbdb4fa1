/** The gateway process: wiring of control plane and data plane for one peer. */
package io.xclusterlink.gateway;
