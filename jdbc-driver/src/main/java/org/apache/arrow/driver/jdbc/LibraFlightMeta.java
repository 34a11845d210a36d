package org.apache.arrow.driver.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.driver.jdbc.client.ArrowFlightSqlClientHandler;
import org.apache.arrow.driver.jdbc.client.CloseableEndpointStreamPair;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.flight.FlightInfo;
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
 * <p>In Arrow's package because the hooks it overrides ({@code getPreparedStatement}) and uses
 * ({@code getClientHandler}, {@code newSignature}) are package-private; checked against the
 * Arrow Flight SQL JDBC driver 18.1.0 this module is built with.
 */
public final class LibraFlightMeta extends ArrowFlightMetaImpl {
  private static final ThreadLocal<Boolean> STATEMENT_QUERY = new ThreadLocal<>();
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

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle handle, String query, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    if (STATEMENT_QUERY.get() == null) {
      queries.remove(key(handle));
      return super.prepareAndExecute(handle, query, maxRowCount, maxRowsInFirstFrame, callback);
    }
    STATEMENT_QUERY.remove(); // nested calls (the result set's own) take Arrow's path
    // An earlier execution of this statement through Arrow's path left a prepared statement.
    super.closeStatement(handle);
    ArrowFlightSqlClientHandler client = ((ArrowFlightConnection) connection).getClientHandler();
    FlightInfo info = client.getInfo(query);
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
