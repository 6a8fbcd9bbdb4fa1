/**
 * Kubernetes mode: the API server as the store (informers, status subresource), the CRDs generated
 * from the api records, Services for imports, pod identities, leader election and the broker. The
 * gateway never depends on this module; the CLI wires it in.
 */
package io.xclusterlink.kube;
