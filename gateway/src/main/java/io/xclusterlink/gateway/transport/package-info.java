/** Chooses the native epoll transport when it is available, NIO otherwise. */
package io.xclusterlink.gateway.transport;
