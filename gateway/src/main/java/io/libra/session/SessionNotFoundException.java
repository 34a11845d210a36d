package io.libra.session;

import io.libra.util.PublicIds;

/**
 * A call named a session (by its cookie) that is not open: closed by CloseSession, idle expiry or
 * its connection's end, or unknown — never issued, or issued before the gateway restarted (Flight
 * NOT_FOUND). The message names it by its public id ({@link PublicIds}): a session id is a
 * capability.
 */
public final class SessionNotFoundException extends RuntimeException {
  /** @param id the session id the call named */
  public SessionNotFoundException(String id) {
    super("session " + PublicIds.of(id) + " was closed or is unknown (the gateway may have"
        + " restarted): reconnect");
  }
}
