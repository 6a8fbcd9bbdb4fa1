/**
 * The {@link io.xclusterlink.store.Store} over an API server: custom resources through informers.
 */
package io.xclusterlink.kube.store;
