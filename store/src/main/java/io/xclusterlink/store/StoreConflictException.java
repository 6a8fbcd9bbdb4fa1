package io.xclusterlink.store;

import io.xclusterlink.api.ObjectKey;

/**
 * A write carried a {@code metadata.resourceVersion} that is not the stored object's: someone else
 * changed it in between. The caller reads the object again and retries (the admin API answers 409).
 */
public class StoreConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreConflictException(ObjectKey key, String expected, String actual) {
    super(
        key
            + ": metadata.resourceVersion "
            + expected
            + " is stale (stored: "
            + (actual == null ? "none" : actual)
            + "); read the object again and retry");
  }

  /** The same conflict told in other words (a caller adding what it did about it). */
  public StoreConflictException(String message) {
    super(message);
  }
}
