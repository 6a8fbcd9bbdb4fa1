/**
 * The CustomResourceDefinitions of the API group, generated from the api records at build time and
 * committed under {@code deploy/crds/}.
 */
package io.xclusterlink.kube.crd;
