package io.libra.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes JDBC's query timeout a server-side statement timeout. Before a statement executes, the
 * session's timeout on the server is set to the statement's {@code getQueryTimeout()} when it
 * differs from what this connection last set: {@code SET libra.statement_timeout = n} (seconds,
 * the Spark session setting Libra reads for every later statement of the session), or
 * {@code RESET libra.statement_timeout} for 0 (the server's default,
 * {@code libra.operations.statement-timeout-seconds}, applies again). The server then cancels the
 * statement and its Spark jobs after n seconds and answers TIMED_OUT, even when the client is gone.
 * One extra statement per change of timeout, none otherwise. Not thread-safe across statements
 * of one connection that execute concurrently with different timeouts (JDBC connections are used
 * from one thread).
 */
final class QueryTimeouts {
  static final String SETTING = "libra.statement_timeout";

  private final Connection connection;
  private int sent;

  QueryTimeouts(Connection connection) {
    this.connection = connection;
  }

  /** Sends {@code seconds} as the session's statement timeout unless it is what was sent last. */
  synchronized void apply(int seconds) throws SQLException {
    if (seconds == sent) {
      return;
    }
    try (Statement st = connection.createStatement()) {
      st.execute(seconds > 0 ? "SET " + SETTING + " = " + seconds : "RESET " + SETTING);
    }
    sent = seconds;
  }
}
