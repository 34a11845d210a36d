package io.libra.jdbc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.PollInfo;
import org.apache.arrow.flight.sql.impl.FlightSql;

/**
 * A plain statement: every execution is a Flight SQL statement query, {@code GetFlightInfo} of
 * {@code CommandStatementQuery} then {@code DoGet} of its ticket (two round trips). The gateway
 * runs DDL and DML while answering {@code GetFlightInfo} and says so with a
 * {@code DoPutUpdateResult} in the FlightInfo's {@code app_metadata}; {@code execute} then returns
 * false and {@link #getUpdateCount()} its count. Query timeout: the call header
 * {@code statement_timeout}; cancel: {@link Execution}.
 *
 * <p>Sealed: {@link FlightSqlPreparedStatement} is its only subclass (same result, timeout and
 * cancel handling, its own execution).
 */
sealed class FlightSqlStatement implements Statement, LibraStatement
    permits FlightSqlPreparedStatement {
  protected final LibraConnection connection;
  private volatile boolean closed;
  private int queryTimeout;
  private long maxRows;
  private int fetchSize;
  private boolean closeOnCompletion;
  private SQLWarning warnings;
  private final List<String> batch = new ArrayList<>();
  /** The current result: a result set, or an update count (-1: none). */
  private ResultSet resultSet;
  private long updateCount = -1;
  private volatile Execution execution;
  private volatile FlightResultSet streaming;

  FlightSqlStatement(LibraConnection connection) {
    this.connection = connection;
  }

  protected final void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("the statement is closed", "HY010");
    }
    connection.checkOpen();
  }

  /** Closes the current result and forgets its count. */
  protected final void clearResult() throws SQLException {
    ResultSet rs = resultSet;
    resultSet = null;
    updateCount = -1;
    if (rs != null) {
      rs.close();
    }
  }

  /** Makes an update count the current result. */
  protected final void setUpdateCount(long count) {
    updateCount = count < 0 ? 0 : count;
  }

  /** Makes {@code rs} (or nothing) the current result set. */
  protected final long maxRows() {
    return maxRows;
  }

  /** A new execution with this statement's timeout, current until the next. */
  protected final Execution begin() throws SQLException {
    checkOpen();
    clearResult();
    Execution e = new Execution(connection, queryTimeout);
    execution = e;
    return e;
  }

  protected final CallOption[] executionOptions() {
    return connection.statementOptions(queryTimeout);
  }

  /**
   * The update count the gateway put in {@code app_metadata} ({@code DoPutUpdateResult}); 0 for a
   * statement whose result has no columns (Spark's DDL commands); null when the FlightInfo is a
   * result set.
   */
  static Long updateCountOf(FlightInfo info) {
    byte[] md = info.getAppMetadata();
    if (md == null || md.length == 0) {
      // A Spark command without output (CREATE, DROP, …): no columns, nothing counted.
      boolean noColumns = info.getSchemaOptional().map(s -> s.getFields().isEmpty())
          .orElse(false);
      return noColumns ? 0L : null;
    }
    try {
      long n = FlightSql.DoPutUpdateResult.parseFrom(md).getRecordCount();
      return n < 0 ? 0 : n;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /**
   * Makes {@code info} the current result: a result set ({@link FlightResultSet} over its
   * endpoints), or for DDL/DML ({@link #updateCountOf}) an update count; the update's endpoint,
   * an empty stream, is read to its end so the gateway ends the statement now.
   *
   * @return true for a result set
   */
  protected final boolean accept(Execution e, FlightInfo info) throws SQLException {
    connection.sessionMayHaveChanged();
    Long count = updateCountOf(info);
    if (count != null) {
      e.done();
      updateCount = count;
      drain(info);
      return false;
    }
    FlightResultSet rs;
    try {
      rs = e.call(() -> new FlightResultSet(this, connection, info, maxRows,
          connection.options()));
    } catch (SQLException ex) {
      e.done();
      throw ex;
    }
    rs.onClose(() -> {
      e.done();
      streaming = null;
      if (closeOnCompletion) {
        try {
          close();
        } catch (SQLException ignored) {
          // closing a statement does not fail
        }
      }
    });
    streaming = rs;
    resultSet = rs;
    return true;
  }

  /** Reads an update's (empty) stream so the gateway ends the statement now. */
  private void drain(FlightInfo info) {
    for (org.apache.arrow.flight.FlightEndpoint endpoint : info.getEndpoints()) {
      try (org.apache.arrow.flight.FlightStream s = connection.stream(
          endpoint, connection.controlOptions())) {
        while (s.next()) {
          // no rows
        }
      } catch (Exception ignored) {
        // the update ran; its empty stream does not matter
      }
    }
  }

  private boolean run(String sql) throws SQLException {
    if (sql == null || sql.isBlank()) {
      throw new SQLException("the statement text is empty", "42000");
    }
    Execution e = begin();
    FlightInfo info;
    try {
      info = e.call(() -> connection.sql().execute(sql, executionOptions()));
    } catch (SQLException ex) {
      e.done();
      connection.sessionMayHaveChanged();
      throw ex;
    }
    e.started(info);
    return accept(e, info);
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    if (!run(sql)) {
      throw new SQLException("the statement did not return a result set (it is DDL or DML, and"
          + " it ran): use execute or executeUpdate", "07000");
    }
    return resultSet;
  }

  @Override
  public ResultSet executeQuery(String sql, DoubleConsumer onProgress) throws SQLException {
    if (onProgress == null) {
      throw new SQLException("onProgress must not be null", "HY009");
    }
    if (sql == null || sql.isBlank()) {
      throw new SQLException("the statement text is empty", "42000");
    }
    Execution e = begin();
    FlightDescriptor command = FlightDescriptor.command(Any.pack(
        FlightSql.CommandStatementQuery.newBuilder().setQuery(sql).build()).toByteArray());
    FlightInfo info;
    try {
      PollInfo poll = e.call(() -> connection.flight().pollInfo(command, executionOptions()));
      double last = 0;
      while (true) {
        if (poll.getFlightInfo() != null) {
          e.started(poll.getFlightInfo());
        }
        double p = poll.getProgress().orElse(last);
        last = Math.max(last, Math.min(1, p));
        if (poll.getFlightDescriptor().isEmpty()) {
          info = poll.getFlightInfo();
          break;
        }
        report(e, onProgress, last);
        FlightDescriptor next = poll.getFlightDescriptor().get();
        poll = e.call(() -> connection.flight().pollInfo(next, executionOptions()));
      }
      report(e, onProgress, 1.0);
    } catch (SQLException ex) {
      e.done();
      connection.sessionMayHaveChanged();
      throw ex;
    }
    if (info == null) {
      e.done();
      throw new SQLException("the gateway ended the poll without a result", "HY000");
    }
    if (!accept(e, info)) {
      throw new SQLException("the statement did not return a result set (it is DDL or DML, and"
          + " it ran)", "07000");
    }
    return resultSet;
  }

  private static void report(Execution e, DoubleConsumer onProgress, double p)
      throws SQLException {
    try {
      onProgress.accept(p);
    } catch (RuntimeException ex) {
      e.cancel();
      throw new SQLException("onProgress failed; the query was cancelled: " + ex, "HY008", ex);
    }
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    return run(sql);
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    return (int) Math.min(Integer.MAX_VALUE, executeLargeUpdate(sql));
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    if (run(sql)) {
      clearResult();
      throw new SQLException("the statement returned a result set: use executeQuery", "07000");
    }
    return updateCount;
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    return execute(sql);
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    return execute(sql);
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    return execute(sql);
  }

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    return executeUpdate(sql);
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    return executeUpdate(sql);
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    return executeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    return executeLargeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    return executeLargeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    return executeLargeUpdate(sql);
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    checkOpen();
    batch.add(sql);
  }

  @Override
  public void clearBatch() throws SQLException {
    checkOpen();
    batch.clear();
  }

  @Override
  public int[] executeBatch() throws SQLException {
    long[] counts = executeLargeBatch();
    int[] out = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
    }
    return out;
  }

  /** Runs each statement of the batch in order; a query in a batch is an error (JDBC). */
  @Override
  public long[] executeLargeBatch() throws SQLException {
    checkOpen();
    List<String> todo = List.copyOf(batch);
    batch.clear();
    long[] counts = new long[todo.size()];
    for (int i = 0; i < todo.size(); i++) {
      try {
        counts[i] = executeLargeUpdate(todo.get(i));
      } catch (SQLException e) {
        long[] done = java.util.Arrays.copyOf(counts, i);
        throw new BatchUpdateException("statement " + (i + 1) + " of the batch failed: "
            + e.getMessage(), e.getSQLState(), e.getErrorCode(), done, e);
      }
    }
    return counts;
  }

  @Override
  public void cancel() throws SQLException {
    checkOpen();
    Execution e = execution;
    if (e != null) {
      e.cancel();
    }
    FlightResultSet rs = streaming;
    if (rs != null) {
      rs.cancelStream();
    }
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    checkOpen();
    return resultSet;
  }

  @Override
  public int getUpdateCount() throws SQLException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, updateCount);
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    checkOpen();
    return updateCount;
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    checkOpen();
    clearResult();
    return false;
  }

  /**
   * As {@link #getMoreResults()}: there is one result per execution. {@code KEEP_CURRENT_RESULT}
   * is not supported (DatabaseMetaData.supportsMultipleOpenResults is false).
   */
  @Override
  public boolean getMoreResults(int current) throws SQLException {
    checkOpen();
    if (current == Statement.KEEP_CURRENT_RESULT) {
      throw new SQLFeatureNotSupportedException("KEEP_CURRENT_RESULT: a statement has one open"
          + " result at a time", "0A000");
    }
    if (current != Statement.CLOSE_CURRENT_RESULT && current != Statement.CLOSE_ALL_RESULTS) {
      throw new SQLException("not a getMoreResults mode: " + current, "HY024");
    }
    return getMoreResults();
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    checkOpen();
    return RowsResultSet.create(this, List.of(), List.of());
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      ResultSet rs = resultSet;
      resultSet = null;
      if (rs != null) {
        rs.close();
      }
    } finally {
      closeResources();
      connection.closed(this);
    }
  }

  /** What a subclass holds on the server (a prepared statement). */
  protected void closeResources() {
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public int getMaxFieldSize() throws SQLException {
    checkOpen();
    return 0;
  }

  @Override
  public void setMaxFieldSize(int max) throws SQLException {
    checkOpen();
  }

  @Override
  public int getMaxRows() throws SQLException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, maxRows);
  }

  @Override
  public void setMaxRows(int max) throws SQLException {
    setLargeMaxRows(max);
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    checkOpen();
    return maxRows;
  }

  @Override
  public void setLargeMaxRows(long max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw new SQLException("max rows must not be negative", "HY024");
    }
    maxRows = max;
  }

  @Override
  public void setEscapeProcessing(boolean enable) throws SQLException {
    checkOpen();
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    checkOpen();
    return queryTimeout;
  }

  /** Seconds; the gateway cancels a statement that runs longer (0: the gateway's default). */
  @Override
  public void setQueryTimeout(int seconds) throws SQLException {
    checkOpen();
    if (seconds < 0) {
      throw new SQLException("query timeout must not be negative", "HY024");
    }
    queryTimeout = seconds;
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return warnings;
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    warnings = null;
  }

  @Override
  public void setCursorName(String name) throws SQLException {
    throw new SQLFeatureNotSupportedException("no named cursors", "0A000");
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != ResultSet.FETCH_FORWARD) {
      throw new SQLException("result sets are forward-only", "HY024");
    }
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return ResultSet.FETCH_FORWARD;
  }

  /** A hint only: the gateway sizes its batches. */
  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    if (rows < 0) {
      throw new SQLException("fetch size must not be negative", "HY024");
    }
    fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

  @Override
  public int getResultSetConcurrency() throws SQLException {
    checkOpen();
    return ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public int getResultSetType() throws SQLException {
    checkOpen();
    return ResultSet.TYPE_FORWARD_ONLY;
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    checkOpen();
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public Connection getConnection() throws SQLException {
    checkOpen();
    return connection;
  }

  @Override
  public void setPoolable(boolean poolable) throws SQLException {
    checkOpen();
  }

  @Override
  public boolean isPoolable() throws SQLException {
    checkOpen();
    return false;
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    checkOpen();
    closeOnCompletion = true;
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    checkOpen();
    return closeOnCompletion;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface.getName(), "HY000");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
