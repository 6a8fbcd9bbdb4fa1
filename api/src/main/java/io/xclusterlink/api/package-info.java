/**
 * The resource model of X-ClusterLink: records for every kind, their validation and YAML/JSON
 * mapping.
 */
package io.xclusterlink.api;
