/**
 * What a gateway process is told at start (one immutable config), its limits, and the error when it
 * cannot start.
 */
package io.xclusterlink.gateway.config;
