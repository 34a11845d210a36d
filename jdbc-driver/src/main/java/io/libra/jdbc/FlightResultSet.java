package io.libra.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A result set over a Flight SQL result: the FlightInfo's endpoints in order, each ticket read
 * with {@code DoGet} ({@code FlightSqlClient.getStream}) on the connection's channel (endpoint
 * locations are not followed), one record batch at a time: the next batch is asked for when the
 * current one is read, the next endpoint when the current stream ends, so gRPC's flow control
 * holds the gateway back while the client is slow. Values are read from the batch's vectors by
 * {@link ArrowReaders}.
 *
 * <p>Closing before the end cancels the stream (the gateway stops the query's Spark jobs) and
 * releases its buffers; {@code maxRows} (0 = all) ends the result early the same way. A stream
 * failure is an SQLException with the gateway's SQLSTATE.
 */
final class FlightResultSet extends AbstractResultSet {
  private final LibraConnection connection;
  private final List<FlightEndpoint> endpoints;
  private final CallOption[] options;
  private final long maxRows;
  private final Schema schema;
  private final ColumnReader[] readers;
  private final LibraResultSetMetaData metaData;
  private int nextEndpoint;
  private volatile FlightStream stream;
  private VectorSchemaRoot root;
  private int batchRow = -1;
  private int batchRows;
  private long rows;
  private boolean done;
  private Runnable onClose;

  /**
   * @param statement what {@code getStatement()} answers (null for metadata)
   * @param maxRows the most rows to return, 0 for all
   * @throws SQLException when the first stream fails to open, or no schema is known
   */
  FlightResultSet(Statement statement, LibraConnection connection, FlightInfo info, long maxRows,
      CallOption[] options) throws SQLException {
    super(statement);
    this.connection = connection;
    this.endpoints = info.getEndpoints();
    this.options = options;
    this.maxRows = maxRows;
    Schema s = info.getSchemaOptional().orElse(null);
    if (s == null || (s.getFields().isEmpty() && !endpoints.isEmpty())) {
      openNext();
      s = stream == null ? new Schema(List.of()) : stream.getSchema();
    }
    this.schema = s;
    List<Field> fields = s.getFields();
    readers = new ColumnReader[fields.size()];
    for (int i = 0; i < readers.length; i++) {
      readers[i] = ArrowReaders.of(fields.get(i));
    }
    metaData = LibraResultSetMetaData.of(s);
  }

  /**
   * Cancels the stream being read, from any thread (Statement.cancel): the reading thread's
   * next() then fails with the gateway's CANCELLED.
   */
  void cancelStream() {
    FlightStream s = stream;
    if (s != null) {
      try {
        s.cancel("statement cancelled", null);
      } catch (RuntimeException e) {
        // already ended
      }
    }
  }

  /** Runs {@code r} once when the result set closes (the statement's closeOnCompletion). */
  void onClose(Runnable r) {
    this.onClose = r;
  }

  private void openNext() throws SQLException {
    closeStream(false);
    if (nextEndpoint >= endpoints.size()) {
      return;
    }
    try {
      stream = connection.sql().getStream(endpoints.get(nextEndpoint++).getTicket(), options);
    } catch (RuntimeException e) {
      throw SqlErrors.from(e);
    }
  }

  private void closeStream(boolean cancel) {
    FlightStream s = stream;
    stream = null;
    root = null;
    if (s == null) {
      return;
    }
    try {
      if (cancel) {
        s.cancel("result set closed", null);
      }
    } catch (RuntimeException e) {
      // already ended
    }
    try {
      s.close();
    } catch (Exception e) {
      // a cancelled stream may report its cancellation on close; buffers are released anyway
    }
  }

  @Override
  protected int columnCount() {
    return readers.length;
  }

  @Override
  protected String label(int column) {
    return schema.getFields().get(column - 1).getName();
  }

  @Override
  protected boolean advance() throws SQLException {
    if (done) {
      return false;
    }
    if (maxRows > 0 && rows >= maxRows) {
      finish(true);
      return false;
    }
    while (batchRow + 1 >= batchRows) {
      if (stream == null) {
        if (nextEndpoint >= endpoints.size()) {
          finish(false);
          return false;
        }
        openNext();
        continue;
      }
      boolean more;
      try {
        more = stream.next();
      } catch (RuntimeException e) {
        finish(true);
        throw SqlErrors.from(e);
      }
      if (!more) {
        closeStream(false);
        batchRows = 0;
        batchRow = -1;
        continue;
      }
      root = stream.getRoot();
      for (int i = 0; i < readers.length; i++) {
        readers[i].bind(root.getVector(i));
      }
      batchRows = root.getRowCount();
      batchRow = -1;
    }
    batchRow++;
    rows++;
    return true;
  }

  private void finish(boolean cancel) {
    done = true;
    closeStream(cancel);
    batchRows = 0;
    batchRow = -1;
  }

  @Override
  protected Object value(int column) {
    ColumnReader r = readers[column - 1];
    return r.isNull(batchRow) ? null : r.object(batchRow);
  }

  @Override
  protected Object temporal(int column) {
    ColumnReader r = readers[column - 1];
    return r.isNull(batchRow) ? null : r.temporal(batchRow);
  }

  // Fast paths: no boxing for the common getters.

  @Override
  public long getLong(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    if (r.integral()) {
      boolean isNull = r.isNull(batchRow);
      setWasNull(isNull);
      return isNull ? 0 : r.longValue(batchRow);
    }
    return super.getLong(column);
  }

  @Override
  public int getInt(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    if (r.integral()) {
      boolean isNull = r.isNull(batchRow);
      setWasNull(isNull);
      long v = isNull ? 0 : r.longValue(batchRow);
      if (v == (int) v) {
        return (int) v;
      }
    }
    return super.getInt(column);
  }

  @Override
  public double getDouble(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    if (r.floating()) {
      boolean isNull = r.isNull(batchRow);
      setWasNull(isNull);
      return isNull ? 0 : r.doubleValue(batchRow);
    }
    return super.getDouble(column);
  }

  @Override
  public String getString(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    boolean isNull = r.isNull(batchRow);
    setWasNull(isNull);
    return isNull ? null : r.string(batchRow);
  }

  @Override
  protected void release() {
    finish(true);
    Runnable r = onClose;
    onClose = null;
    if (r != null) {
      r.run();
    }
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return metaData;
  }
}
