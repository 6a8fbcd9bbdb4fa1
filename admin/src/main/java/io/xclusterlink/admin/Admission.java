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

  /**
   * Called after an apply was stored and before it is answered: waits (briefly, and never throwing)
   * until the gateway has reconciled what was stored, so that the answer carries each object's
   * status and the CLI can say which stored object is not ready (an import whose port is taken,
   * say). The default does not wait.
   */
  default void settle() {}
}
