/**
 * Desired state of a gateway: the store interface, its events, and the embedded crash-safe
 * implementation.
 */
package io.xclusterlink.store;
