/**
 * The gateway's admin REST API: apply, get, list and delete objects, health, status and metrics
 * over HTTP/1.1.
 */
package io.xclusterlink.admin;
