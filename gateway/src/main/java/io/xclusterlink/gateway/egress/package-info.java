/**
 * The importing side: one listener per import, source choice, egress authorization and tunnel
 * set-up.
 */
package io.xclusterlink.gateway.egress;
