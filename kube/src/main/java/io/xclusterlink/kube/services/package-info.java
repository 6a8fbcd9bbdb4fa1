/**
 * The Services of Kubernetes mode: a Service per Import in front of the gateway pods, and the
 * Service an Export without a host stands for.
 */
package io.xclusterlink.kube.services;
