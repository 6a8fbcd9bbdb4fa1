package io.xclusterlink.admin;

import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.XclObject;

/**
 * Turns an incoming object into the one to store (validation and defaults), or throws {@link
 * InvalidObjectException}, which the admin API answers with 400. Supplied by the gateway; called on
 * the admin API's request thread, never on an event loop, so it may read the store.
 */
@FunctionalInterface
public interface Admission {
  XclObject admit(XclObject incoming);
}
