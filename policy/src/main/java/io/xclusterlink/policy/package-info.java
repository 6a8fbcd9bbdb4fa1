/**
 * Access-policy evaluation: the attribute model, compiled label selectors and the indexed decision
 * point.
 */
package io.xclusterlink.policy;
