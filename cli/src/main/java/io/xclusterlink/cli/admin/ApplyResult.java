package io.xclusterlink.cli.admin;

import io.xclusterlink.api.XclObject;

/**
 * What the gateway did with one applied object.
 *
 * @param kind the kind name as the gateway wrote it, e.g. {@code Import}
 * @param namespace the namespace, or null for cluster-scoped kinds
 * @param result {@code created}, {@code configured} or {@code unchanged}
 * @param object the object as stored (with defaults and allocated ports), or null if absent
 */
public record ApplyResult(
    String kind, String namespace, String name, String result, XclObject object) {}
