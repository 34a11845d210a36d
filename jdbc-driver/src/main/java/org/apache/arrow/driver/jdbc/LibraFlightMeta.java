package org.apache.arrow.driver.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.driver.jdbc.client.ArrowFlightSqlClientHandler;
import org.apache.arrow.driver.jdbc.client.CloseableEndpointStreamPair;
import org.apache.arrow.driver.jdbc.shaded.com.google.protobuf.Any;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.CallOption;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.FlightClient;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.PollInfo;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.driver.jdbc.shaded.org.apache.calcite.avatica.AvaticaConnection;
import org.apache.arrow.driver.jdbc.shaded.org.apache.calcite.avatica.NoSuchStatementException;

/**
 * Libra's Avatica {@code Meta} for the Arrow Flight SQL JDBC driver: {@code Statement.executeQuery(String)}
 * runs as a Flight SQL statement query, {@code GetFlightInfo(CommandStatementQuery)} then
 * {@code DoGet}, two RPCs. The Arrow driver runs every plain statement as a prepared one:
 * {@code CreatePreparedStatement}, {@code GetFlightInfo(CommandPreparedStatementQuery)},
 * {@code DoGet} and, when the statement closes, {@code ClosePreparedStatement}: four RPCs, each
 * about a millisecond on a warm loopback connection and more while the JIT is cold.
 *
 * <p>Only calls made inside {@link #statementQuery} take this path: the statement proxy of
 * {@code io.libra.jdbc} wraps {@code executeQuery(String)} in it, where the caller says a result
 * set is wanted. {@code execute(String)} and {@code executeUpdate(String)} keep the prepared path,
 * whose {@code DoPut} returns the update count. Everything after the FlightInfo is the Arrow
 * driver's own flow (its result set, query timeout, max rows, cancel, close), fed by a
 * {@link StatementQuery} registered under the statement's handle.
 *
 * <p>A statement that is no query (DDL/DML sent to {@code executeQuery}): Libra runs it when asked
 * for the FlightInfo and answers with a schema without columns, as the Arrow driver's prepared path
 * would have run it; its empty stream is read (releasing the ticket) and {@code executeQuery}
 * fails with Avatica's "Statement did not return a result set", as before.
 *
 * <p>A polled statement query ({@link #polledQuery}, {@code LibraStatement.executeQuery(sql,
 * onProgress)}) gets its FlightInfo from {@code PollFlightInfo} instead, polled to its end on the
 * connection's own Flight client and call options (its session, its login), which the Arrow
 * driver keeps private (read by reflection: {@code ArrowFlightSqlClientHandler.sqlClient},
 * {@code getOptions()}, {@code FlightSqlClient.client}).
 *
 * <p>In Arrow's package because the hooks it overrides ({@code getPreparedStatement}) and uses
 * ({@code getClientHandler}, {@code newSignature}) are package-private; checked against the
 * Arrow Flight SQL JDBC driver 18.1.0 this module is built with.
 */
public final class LibraFlightMeta extends ArrowFlightMetaImpl {
  /** Set around a statement query: {@code Boolean.TRUE}, or the {@link PollMode} of a polled one. */
  private static final ThreadLocal<Object> STATEMENT_QUERY = new ThreadLocal<>();
  private static final Schema NO_COLUMNS = new Schema(List.of());

  /** Statement handles (connection id, statement id) whose last execution was a statement query. */
  private final Map<String, StatementQuery> queries = new ConcurrentHashMap<>();

  public LibraFlightMeta(AvaticaConnection connection) {
    super(connection);
  }

  /**
   * Runs {@code call} (a plain statement's {@code executeQuery(String)}) so that this thread's
   * {@code prepareAndExecute} is a Flight SQL statement query.
   */
  public static <T> T statementQuery(Callable<T> call) throws Exception {
    STATEMENT_QUERY.set(Boolean.TRUE);
    try {
      return call.call();
    } finally {
      STATEMENT_QUERY.remove();
    }
  }

  /**
   * Runs {@code call} (a plain statement's {@code executeQuery(String)}) so that this thread's
   * {@code prepareAndExecute} submits the query with {@code PollFlightInfo}, telling
   * {@code onProgress} each poll's progress ({@link io.libra.jdbc.LibraStatement}).
   */
  public static <T> T polledQuery(Polling polling, java.util.function.DoubleConsumer onProgress,
      Callable<T> call) throws Exception {
    STATEMENT_QUERY.set(new PollMode(polling, onProgress));
    try {
      return call.call();
    } finally {
      STATEMENT_QUERY.remove();
      polling.done();
    }
  }

  private record PollMode(Polling polling, java.util.function.DoubleConsumer onProgress) {}

  /**
   * The query one statement is polling, so that {@code Statement.cancel()} from another thread can
   * cancel it on the server ({@code CancelFlightInfo} of the latest {@code PollInfo.info}).
   */
  public static final class Polling {
    private FlightSqlClient client;
    private CallOption[] options;
    private FlightInfo latest;
    private boolean cancelled;

    synchronized void polled(FlightSqlClient client, CallOption[] options, FlightInfo latest) {
      this.client = client;
      this.options = options;
      this.latest = latest;
    }

    synchronized boolean isCancelled() {
      return cancelled;
    }

    synchronized void done() {
      client = null;
      latest = null;
      cancelled = false;
    }

    /** Cancels the query being polled; false when none is. */
    public synchronized boolean cancel() {
      if (client == null || latest == null) {
        return false;
      }
      cancelled = true;
      client.cancelFlightInfo(new CancelFlightInfoRequest(latest), options);
      return true;
    }
  }

  private static final java.lang.reflect.Field SQL_CLIENT;
  private static final java.lang.reflect.Field FLIGHT_CLIENT;
  private static final java.lang.reflect.Method OPTIONS;

  static {
    try {
      SQL_CLIENT = ArrowFlightSqlClientHandler.class.getDeclaredField("sqlClient");
      SQL_CLIENT.setAccessible(true);
      FLIGHT_CLIENT = FlightSqlClient.class.getDeclaredField("client");
      FLIGHT_CLIENT.setAccessible(true);
      OPTIONS = ArrowFlightSqlClientHandler.class.getDeclaredMethod("getOptions");
      OPTIONS.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Polls {@code query} to its end: {@code PollFlightInfo(CommandStatementQuery)}, then its retry
   * descriptor until a {@code PollInfo} has none; its FlightInfo (with the endpoint) is returned.
   */
  private static FlightInfo poll(ArrowFlightSqlClientHandler handler, String query,
      PollMode mode) throws SQLException {
    FlightSqlClient sql;
    FlightClient flight;
    CallOption[] options;
    try {
      sql = (FlightSqlClient) SQL_CLIENT.get(handler);
      flight = (FlightClient) FLIGHT_CLIENT.get(sql);
      options = (CallOption[]) OPTIONS.invoke(handler);
    } catch (ReflectiveOperationException e) {
      throw new SQLException("this Arrow Flight SQL JDBC driver has no polling hooks: " + e, e);
    }
    FlightDescriptor descriptor = FlightDescriptor.command(Any.pack(CommandStatementQuery
        .newBuilder().setQuery(query).build()).toByteArray());
    double last = 0;
    while (true) {
      PollInfo poll;
      try {
        poll = flight.pollInfo(descriptor, options);
      } catch (FlightRuntimeException e) {
        throw new SQLException(e.getMessage(), e);
      }
      mode.polling().polled(sql, options, poll.getFlightInfo());
      boolean ready = poll.getFlightDescriptor().isEmpty();
      last = Math.max(last, ready ? 1.0 : poll.getProgress().orElse(last));
      try {
        mode.onProgress().accept(last);
      } catch (RuntimeException e) {
        mode.polling().cancel();
        throw new SQLException("the progress listener failed; the query was cancelled: " + e, e);
      }
      if (ready) {
        return poll.getFlightInfo();
      }
      descriptor = poll.getFlightDescriptor().get();
    }
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle handle, String query, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    Object mode = STATEMENT_QUERY.get();
    if (mode == null) {
      queries.remove(key(handle));
      return super.prepareAndExecute(handle, query, maxRowCount, maxRowsInFirstFrame, callback);
    }
    STATEMENT_QUERY.remove(); // nested calls (the result set's own) take Arrow's path
    // An earlier execution of this statement through Arrow's path left a prepared statement.
    super.closeStatement(handle);
    ArrowFlightSqlClientHandler client = ((ArrowFlightConnection) connection).getClientHandler();
    FlightInfo info;
    try {
      info = mode instanceof PollMode poll ? poll(client, query, poll) : client.getInfo(query);
    } catch (SQLException e) {
      throw new RuntimeException(e.getMessage(), e); // Avatica wraps it with the SQL text
    }
    Schema schema = info.getSchemaOptional().orElse(NO_COLUMNS);
    // No columns yet: the Arrow statement adds the result's columns to this signature when it
    // reads the FlightInfo (executeFlightInfoQuery), and data loading resets them. Given here
    // too, an empty result reported every column twice (as through the Arrow driver itself).
    handle.signature = newSignature(query, null, NO_COLUMNS);
    try {
      long updateCount = -1;
      if (schema.getFields().isEmpty()) {
        readToEnd(client, info);
        queries.remove(key(handle));
        updateCount = 0; // not a result set: Avatica's executeQuery says so
      } else {
        queries.put(key(handle), new StatementQuery(info, schema));
      }
      synchronized (callback.getMonitor()) {
        callback.clear();
        callback.assign(handle.signature, null, updateCount);
      }
      callback.execute();
    } catch (SQLException e) {
      throw new RuntimeException(e.getMessage(), e); // Avatica wraps it with the SQL text
    }
    return new ExecuteResult(List.of(MetaResultSet.create(handle.connectionId, handle.id, false,
        handle.signature, null)));
  }

  @Override
  ArrowFlightSqlClientHandler.PreparedStatement getPreparedStatement(StatementHandle handle) {
    StatementQuery q = queries.get(key(handle));
    return q != null ? q : super.getPreparedStatement(handle);
  }

  @Override
  public void closeStatement(StatementHandle handle) {
    queries.remove(key(handle));
    super.closeStatement(handle);
  }

  private static String key(StatementHandle handle) {
    return handle.connectionId + "/" + handle.id;
  }

  /** Reads every endpoint's stream to its end, then closes them all (also on failure). */
  private static void readToEnd(ArrowFlightSqlClientHandler client, FlightInfo info)
      throws SQLException {
    List<CloseableEndpointStreamPair> streams = client.getStreams(info);
    try (AutoCloseable all = () -> AutoCloseables.close(streams)) {
      for (CloseableEndpointStreamPair s : streams) {
        while (s.getStream().next()) {
          // a DDL/DML statement's result has no rows
        }
      }
    } catch (SQLException e) {
      throw e;
    } catch (Exception e) {
      throw new SQLException(e.getMessage(), e);
    }
  }

  /** A statement query's FlightInfo in the shape the Arrow driver's result set reads from. */
  private static final class StatementQuery implements ArrowFlightSqlClientHandler.PreparedStatement {
    private final FlightInfo info;
    private final Schema schema;

    StatementQuery(FlightInfo info, Schema schema) {
      this.info = info;
      this.schema = schema;
    }

    @Override
    public FlightInfo executeQuery() {
      return info;
    }

    @Override
    public long executeUpdate() {
      throw new UnsupportedOperationException("a statement query has no update count");
    }

    @Override
    public StatementType getType() {
      return StatementType.SELECT;
    }

    @Override
    public Schema getDataSetSchema() {
      return schema;
    }

    @Override
    public Schema getParameterSchema() {
      return NO_COLUMNS;
    }

    @Override
    public void setParameters(VectorSchemaRoot parameters) {
      throw new UnsupportedOperationException("a statement query has no parameters");
    }

    @Override
    public void close() {
      // nothing on the server: a statement query holds no prepared statement there
    }
  }
}
