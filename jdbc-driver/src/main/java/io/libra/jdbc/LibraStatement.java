package io.libra.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.DoubleConsumer;

/**
 * What Libra's statements add to {@link java.sql.Statement}. Every {@code Statement},
 * {@code PreparedStatement} and {@code CallableStatement} of Libra's driver implements it: cast it,
 * or {@code statement.unwrap(LibraStatement.class)}.
 */
public interface LibraStatement {
  /**
   * Runs {@code sql} as {@link java.sql.Statement#executeQuery(String)} does, but submitted with
   * Flight SQL's {@code PollFlightInfo}: the gateway runs the query in the background and each poll
   * (about one a second; a poll waits up to 1 s on the server) reports the fraction of its Spark
   * tasks done. {@code onProgress} is called on the calling thread with each poll's value — in
   * [0, 1], never lower than the one before, 1 last, when the query is ready — and the result set
   * is returned once it is ready. The statement's query timeout applies (on the server), and
   * {@link java.sql.Statement#cancel()} from another thread cancels the query while it is polled
   * ({@code CancelFlightInfo}); the caller then gets an {@link SQLException} saying CANCELLED.
   *
   * @param onProgress told each poll's progress; an exception from it cancels the query and is
   *     thrown (wrapped in an SQLException)
   * @throws SQLException as {@code executeQuery} (the query's error, with Spark's error class and
   *     SQLSTATE in the message), or when the statement is a prepared one
   */
  ResultSet executeQuery(String sql, DoubleConsumer onProgress) throws SQLException;
}
