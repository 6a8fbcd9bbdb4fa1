package io.xclusterlink.store;

import io.xclusterlink.api.XclObject;

/** What a put did, and the object as stored afterwards (with the status the store kept). */
public record PutResult(Outcome outcome, XclObject object) {
  /** Whether the object was new, changed, or equal to the stored one. */
  public enum Outcome {
    CREATED,
    CONFIGURED,
    UNCHANGED
  }
}
