package io.libra.operation;

import io.libra.util.PublicIds;

/**
 * A statement handle or ticket that is unknown, already used, closed or expired (Flight NOT_FOUND).
 * The message names it by its public id ({@link PublicIds}): it is logged, and a handle is a
 * capability.
 */
public final class HandleNotFoundException extends RuntimeException {
  public HandleNotFoundException(String what, String handle) {
    super(what + " " + PublicIds.of(handle)
        + " not found (unknown, closed, already read or expired)");
  }
}
