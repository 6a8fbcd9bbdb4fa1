/** The HTTP client of a gateway's admin REST API, as the CLI uses it. */
package io.xclusterlink.cli.admin;
