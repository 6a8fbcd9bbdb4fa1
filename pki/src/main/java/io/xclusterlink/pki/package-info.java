/** Fabric CA and peer certificates on disk, and the hot-reloaded mutual-TLS contexts and peer identity built from them. */
package io.xclusterlink.pki;
