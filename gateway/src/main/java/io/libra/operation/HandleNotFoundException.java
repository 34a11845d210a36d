package io.libra.operation;

import io.libra.util.PublicIds;

/**
 * A statement handle or ticket that is unknown, already used, closed or expired (Flight NOT_FOUND).
 * The message names it by its public id ({@link PublicIds}): it is logged, and a handle is a
 * capability.
 */
public final class HandleNotFoundException extends RuntimeException {
  public HandleNotFoundException(String what, String handle) {
    this(what + " " + PublicIds.of(handle)
        + " not found (unknown, closed, already read or expired)", true);
  }

  private HandleNotFoundException(String message, boolean ignored) {
    super(message);
  }

  /** For an id that is public already (from the log or a job tag). */
  public static HandleNotFoundException ofPublicId(String what, String publicId) {
    return new HandleNotFoundException(what + " " + publicId.replaceAll("[^0-9A-Za-z]", "?")
        + " not found (unknown, ended, or not yours to end)", true);
  }
}
