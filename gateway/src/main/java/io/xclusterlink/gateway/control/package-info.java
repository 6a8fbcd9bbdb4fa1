/**
 * The control plane: turns the store's desired state into listeners, peer clients and policy
 * decisions.
 */
package io.xclusterlink.gateway.control;
