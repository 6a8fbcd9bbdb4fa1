/**
 * Constraints on the api records that both admission ({@code Validation}) and the generated
 * Kubernetes CRD schemas read, so that each rule is written down once.
 */
package io.xclusterlink.api.schema;
