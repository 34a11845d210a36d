package org.apache.arrow.driver.jdbc;

import java.sql.Connection;

/**
 * Stops the Arrow Flight SQL JDBC driver's per-connection thread pool (its
 * {@code ArrowFlightConnection-N-M} threads, which read result streams and are not daemons).
 *
 * <p>Why: {@code ArrowFlightConnection.close()} shuts that pool down only after its Flight client
 * closed cleanly. When the connection closes while a result is still being read (and, seen under
 * load, after a query timeout or cancel), the client's allocator still holds that stream's
 * buffers, its close throws ("Failed to clean up client resources": "Memory was leaked by query"),
 * the pool is never shut down, and its idle worker keeps the client JVM alive after {@code main}
 * returns. Seen with Arrow's driver 18.1.0 and 18.3.0 alike.
 *
 * <p>In Arrow's package because {@code getExecutorService()} is package-private.
 */
public final class LibraConnectionThreads {
  private LibraConnectionThreads() {}

  /** Shuts down the connection's stream-reading pool; running reads finish, no new ones start. */
  public static void shutDown(Connection connection) {
    if (connection instanceof ArrowFlightConnection arrow) {
      arrow.getExecutorService().shutdown();
    }
  }
}
