package io.libra.operation;

/** A statement handle or ticket that is unknown, already used, closed or expired (Flight NOT_FOUND). */
public final class HandleNotFoundException extends RuntimeException {
  public HandleNotFoundException(String what, String handle) {
    super(what + " " + abbreviate(handle) + " not found (unknown, closed, already read or expired)");
  }

  private static String abbreviate(String handle) {
    return handle.length() > 12 ? handle.substring(0, 12) + "…" : handle;
  }
}
