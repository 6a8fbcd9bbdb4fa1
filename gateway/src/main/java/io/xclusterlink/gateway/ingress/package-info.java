/**
 * The exporting side: accepts peers on the one mTLS port, answers heartbeats, authorizes tunnels
 * and dials exports.
 */
package io.xclusterlink.gateway.ingress;
