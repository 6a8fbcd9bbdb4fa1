/** Fabric CA, peer certificates, TLS contexts with hot reload, and peer identity from certificates. */
package io.xclusterlink.pki;
