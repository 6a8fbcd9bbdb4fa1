/**
 * The {@code fabric} and {@code peer-cert} commands that create a fabric CA and peer credentials.
 */
package io.xclusterlink.cli.pki;
