/** {@code xcl deploy ...}: the Kubernetes manifests of an install, rendered from deploy/. */
package io.xclusterlink.cli.deploy;
