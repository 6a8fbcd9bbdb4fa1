/**
 * Channels and their failures, below every other package of the gateway: the native epoll transport
 * when it is available (NIO otherwise), how a channel is closed or reset, and how an I/O failure is
 * described in one line.
 */
package io.xclusterlink.gateway.transport;
