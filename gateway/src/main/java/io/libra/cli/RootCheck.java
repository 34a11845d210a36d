package io.libra.cli;

import io.libra.config.LibraConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway does not run as root: it is the Spark driver, a statement runs with the process's
 * rights, and any path the SQL boundary misses would become root's. {@code libra run} (so
 * {@code scripts/libra start} and {@code run}) refuses to start as uid 0 unless
 * {@code libra.server.allow-root=true} is set on purpose; then it starts and warns. The uid is the
 * process's effective uid ({@code com.sun.security.auth.module.UnixSystem}); on systems without
 * one (Windows) there is nothing to check.
 */
final class RootCheck {
  private static final Logger LOG = LoggerFactory.getLogger(RootCheck.class);

  /** What to do for a service user, in the refusal. */
  static final String HOW = "create a service user and run the gateway as it, for example:"
      + " useradd --system --home-dir /opt/libra libra; chown -R libra /opt/libra/work;"
      + " runuser -u libra -- scripts/libra start (see docs/security.md); or set"
      + " libra.server.allow-root=true to run as root on purpose";

  private RootCheck() {}

  /**
   * @throws IllegalStateException when {@code uid} is 0 and root is not allowed by
   *     {@code config}
   */
  static void check(LibraConfig config, long uid) {
    if (uid != 0) {
      return;
    }
    if (!config.get(LibraConfig.SERVER_ALLOW_ROOT)) {
      throw new IllegalStateException("refusing to run as root (uid 0): SQL runs with the"
          + " gateway's rights; " + HOW);
    }
    LOG.warn("running as root (libra.server.allow-root=true): every statement runs with root's"
        + " rights on this host; run the gateway as a service user instead");
  }

  /** This process's effective uid, or -1 where there is none. */
  static long currentUid() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (Throwable e) { // not a Unix system, or the module is absent
      return -1;
    }
  }
}
