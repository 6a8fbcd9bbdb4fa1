package io.xclusterlink.store;

import io.xclusterlink.api.XclObject;

/** One change of a {@link Store}: the object as stored after it, or the last one for DELETED. */
public record StoreEvent(EventType type, XclObject object) {}
