/**
 * Fabric CA and peer credentials on disk, and the hot-reloaded mutual-TLS contexts and identities
 * built from them.
 */
package io.xclusterlink.pki;
