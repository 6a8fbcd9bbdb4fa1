/**
 * Client identities from pods: a connection's source IP to its pod's namespace, account, labels.
 */
package io.xclusterlink.kube.pods;
