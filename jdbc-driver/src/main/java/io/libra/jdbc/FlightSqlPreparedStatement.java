package io.libra.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Calendar;
import java.util.List;
import java.util.function.DoubleConsumer;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A prepared statement: Flight SQL's {@code CreatePreparedStatement} when it is made (a bad
 * statement fails {@code prepareStatement} with the gateway's SQLSTATE). Its dataset schema says
 * what it is: columns, a query; none, DDL/DML.
 *
 * <p>A query: parameters bound with {@code DoPut} of {@code CommandPreparedStatementQuery} (one
 * Arrow batch built by {@link ParameterBinder}), then {@code GetFlightInfo} and {@code DoGet}. An
 * update: one {@code DoPut} of {@code CommandPreparedStatementUpdate} carrying the parameter rows,
 * answered with a {@code DoPutUpdateResult}, whose {@code record_count} {@code execute} (false,
 * then {@link #getUpdateCount()}) and {@code executeUpdate} report (-1, unknown to the gateway,
 * is 0). {@code executeBatch} of an update sends every row in that one {@code DoPut}: the count
 * for a single row; for several rows, 0 each when the total is 0, else {@code SUCCESS_NO_INFO}
 * each (the gateway answers their total only); a failure is a {@code BatchUpdateException} with
 * no counts. {@code close} sends {@code ClosePreparedStatement}. Timeout, cancel and max rows
 * are those of {@link FlightSqlStatement}.
 */
final class FlightSqlPreparedStatement extends FlightSqlStatement implements PreparedStatement {
  private final String sql;
  private final FlightSqlClient.PreparedStatement prepared;
  private final boolean query;
  private final ParameterBinder binder;
  /** The last DoPutUpdateResult.record_count as sent (-1: the gateway does not know). */
  private long serverCount = -1;

  FlightSqlPreparedStatement(LibraConnection connection, String sql) throws SQLException {
    super(connection);
    if (sql == null || sql.isBlank()) {
      throw new SQLException("the statement text is empty", "42000");
    }
    this.sql = sql;
    FlightSqlClient.PreparedStatement p;
    try {
      p = connection.sql().prepare(sql, connection.controlOptions());
    } catch (RuntimeException e) {
      throw SqlErrors.from(e);
    }
    try {
      this.query = !p.getResultSetSchema().getFields().isEmpty();
      this.binder = new ParameterBinder(p.getParameterSchema());
    } catch (RuntimeException e) {
      // An unreadable schema: do not leave the statement open on the server.
      closeQuietly(p, connection);
      throw SqlErrors.from(e, "cannot read the prepared statement's schemas");
    }
    this.prepared = p;
  }

  private static void closeQuietly(FlightSqlClient.PreparedStatement p,
      LibraConnection connection) {
    try {
      p.close(connection.controlOptions());
    } catch (RuntimeException e) {
      // the session ends it anyway
    }
  }

  /** Runs the statement with {@code rows} of parameters; true for a result set. */
  private boolean run(List<Object[]> rows) throws SQLException {
    Execution e = begin();
    VectorSchemaRoot root = null;
    try {
      if (binder.count() > 0) {
        root = binder.toRoot(connection.allocator(), rows);
        prepared.setParameters(root);
      }
      if (query) {
        FlightInfo info = e.call(() -> prepared.execute(executionOptions()));
        e.started(info);
        return accept(e, info);
      }
      long n = e.call(() -> prepared.executeUpdate(executionOptions()));
      e.done();
      connection.sessionMayHaveChanged();
      serverCount = n;
      setUpdateCount(n);
      return false;
    } catch (SQLException ex) {
      e.done();
      throw ex;
    } finally {
      if (root != null) {
        prepared.clearParameters();
        root.close();
      }
    }
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    if (!run(binder.currentRow())) {
      throw new SQLException("the statement did not return a result set (it is DDL or DML, and"
          + " it ran): use execute or executeUpdate", "07000");
    }
    return getResultSet();
  }

  @Override
  public int executeUpdate() throws SQLException {
    return (int) Math.min(Integer.MAX_VALUE, executeLargeUpdate());
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    if (run(binder.currentRow())) {
      clearResult();
      throw new SQLException("the statement returned a result set: use executeQuery", "07000");
    }
    return getLargeUpdateCount();
  }

  @Override
  public boolean execute() throws SQLException {
    return run(binder.currentRow());
  }

  @Override
  public void addBatch() throws SQLException {
    checkOpen();
    binder.addBatch();
  }

  @Override
  public void clearBatch() throws SQLException {
    checkOpen();
    binder.clearBatch();
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    checkOpen();
    List<Object[]> rows = binder.takeBatch();
    if (rows.isEmpty()) {
      return new long[0];
    }
    if (query) {
      throw new BatchUpdateException("a query cannot run in a batch", "07000", 0, new long[0],
          null);
    }
    long[] counts = new long[rows.size()];
    if (binder.count() == 0) {
      // No parameters to send in one DoPut: the statement runs once per addBatch.
      for (int i = 0; i < counts.length; i++) {
        try {
          run(List.<Object[]>of(new Object[0]));
        } catch (SQLException e) {
          throw new BatchUpdateException("execution " + (i + 1) + " of the batch failed: "
              + e.getMessage(), e.getSQLState(), e.getErrorCode(),
              java.util.Arrays.copyOf(counts, i), e);
        }
        counts[i] = getLargeUpdateCount();
      }
      return counts;
    }
    try {
      run(rows);
    } catch (SQLException e) {
      // One DoPut: the gateway answers one error for the rows, not which of them ran before it.
      throw new BatchUpdateException(e.getMessage(), e.getSQLState(), e.getErrorCode(),
          new long[0], e);
    }
    long total = serverCount;
    if (rows.size() == 1 || total == 0) {
      // One row: its count (0 when unknown, as executeUpdate); a total of 0: no row changed any.
      java.util.Arrays.fill(counts, rows.size() == 1 ? getLargeUpdateCount() : 0);
    } else {
      java.util.Arrays.fill(counts, Statement.SUCCESS_NO_INFO);
    }
    return counts;
  }

  @Override
  public int[] executeBatch() throws SQLException {
    long[] counts = executeLargeBatch();
    int[] out = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = (int) counts[i];
    }
    return out;
  }

  /** The result's columns (the prepared statement's dataset schema), null for DDL/DML. */
  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return query ? LibraResultSetMetaData.of(prepared.getResultSetSchema()) : null;
  }

  @Override
  public ParameterMetaData getParameterMetaData() throws SQLException {
    checkOpen();
    return new LibraParameterMetaData(prepared.getParameterSchema());
  }

  /** {@code ClosePreparedStatement}; a failure is ignored (the session's end closes it too). */
  @Override
  protected void closeResources() {
    closeQuietly(prepared, connection);
  }

  @Override
  public void clearParameters() throws SQLException {
    checkOpen();
    binder.clear();
  }

  private void bind(int i, Object v) throws SQLException {
    checkOpen();
    binder.set(i, v);
  }

  /** Not on a prepared statement: its text is fixed. */
  private static SQLException textGiven() {
    return new SQLException("a PreparedStatement runs its own text: call the method without"
        + " an SQL argument", "HY000");
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    throw textGiven();
  }

  @Override
  public ResultSet executeQuery(String sql, DoubleConsumer onProgress) throws SQLException {
    throw new SQLFeatureNotSupportedException("progress is reported for plain statements only"
        + " (Connection.createStatement)", "0A000");
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    throw textGiven();
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    throw textGiven();
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    throw textGiven();
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    throw textGiven();
  }

  @Override
  public String toString() {
    return sql;
  }

  private static byte[] read(InputStream in, long length) throws SQLException {
    try {
      return length < 0 ? in.readAllBytes() : in.readNBytes((int) length);
    } catch (IOException e) {
      throw new SQLException("cannot read the parameter stream: " + e, "HY000", e);
    }
  }

  private static String read(Reader in, long length) throws SQLException {
    try {
      StringBuilder b = new StringBuilder();
      char[] buf = new char[8192];
      long left = length < 0 ? Long.MAX_VALUE : length;
      int n;
      while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
        b.append(buf, 0, n);
        left -= n;
      }
      return b.toString();
    } catch (IOException e) {
      throw new SQLException("cannot read the parameter stream: " + e, "HY000", e);
    }
  }

  private static Object convert(Object x, int targetSqlType) throws SQLException {
    if (x == null) {
      return null;
    }
    try {
      return switch (targetSqlType) {
        case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR, Types.NCHAR ->
            x instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : x.toString();
        case Types.BIGINT -> x instanceof Number n ? n.longValue() : Long.parseLong(x.toString());
        case Types.INTEGER -> x instanceof Number n ? n.intValue()
            : Integer.parseInt(x.toString());
        case Types.SMALLINT -> x instanceof Number n ? n.shortValue()
            : Short.parseShort(x.toString());
        case Types.TINYINT -> x instanceof Number n ? n.byteValue()
            : Byte.parseByte(x.toString());
        case Types.DOUBLE, Types.FLOAT -> x instanceof Number n ? n.doubleValue()
            : Double.parseDouble(x.toString());
        case Types.REAL -> x instanceof Number n ? n.floatValue()
            : Float.parseFloat(x.toString());
        case Types.DECIMAL, Types.NUMERIC -> x instanceof BigDecimal d ? d
            : new BigDecimal(x.toString());
        case Types.BOOLEAN, Types.BIT -> x instanceof Boolean b ? b
            : x instanceof Number n ? n.doubleValue() != 0 : Boolean.parseBoolean(x.toString());
        case Types.DATE -> x instanceof String s ? java.time.LocalDate.parse(s) : x;
        case Types.TIMESTAMP -> x instanceof String s ? Timestamp.valueOf(s).toLocalDateTime() : x;
        default -> x;
      };
    } catch (RuntimeException e) {
      throw new SQLException("cannot convert " + x + " to SQL type " + targetSqlType, "22018", e);
    }
  }

  @Override
  public void setNull(int i, int sqlType) throws SQLException {
    bind(i, null);
  }

  @Override
  public void setNull(int i, int sqlType, String typeName) throws SQLException {
    bind(i, null);
  }

  @Override
  public void setBoolean(int i, boolean x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setByte(int i, byte x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setShort(int i, short x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setInt(int i, int x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setLong(int i, long x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setFloat(int i, float x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setDouble(int i, double x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setBigDecimal(int i, BigDecimal x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setString(int i, String x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setNString(int i, String x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setBytes(int i, byte[] x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setDate(int i, Date x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setTime(int i, Time x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setTimestamp(int i, Timestamp x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setDate(int i, Date x, Calendar cal) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setTime(int i, Time x, Calendar cal) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setTimestamp(int i, Timestamp x, Calendar cal) throws SQLException {
    bind(i, x == null || cal == null ? x : x.toLocalDateTime().atZone(cal.getTimeZone().toZoneId()).toInstant());
  }

  @Override
  public void setObject(int i, Object x) throws SQLException {
    bind(i, x);
  }

  @Override
  public void setObject(int i, Object x, int targetSqlType) throws SQLException {
    bind(i, convert(x, targetSqlType));
  }

  @Override
  public void setObject(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
    bind(i, convert(x, targetSqlType));
  }

  @Override
  public void setObject(int i, Object x, SQLType targetSqlType) throws SQLException {
    bind(i, targetSqlType == null || targetSqlType.getVendorTypeNumber() == null ? x : convert(x, targetSqlType.getVendorTypeNumber()));
  }

  @Override
  public void setObject(int i, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
    setObject(i, x, targetSqlType);
  }

  @Override
  public void setAsciiStream(int i, InputStream x, int length) throws SQLException {
    bind(i, x == null ? null : new String(read(x, length), StandardCharsets.US_ASCII));
  }

  @Override
  public void setAsciiStream(int i, InputStream x, long length) throws SQLException {
    bind(i, x == null ? null : new String(read(x, length), StandardCharsets.US_ASCII));
  }

  @Override
  public void setAsciiStream(int i, InputStream x) throws SQLException {
    bind(i, x == null ? null : new String(read(x, -1), StandardCharsets.US_ASCII));
  }

  @Override
  @Deprecated
  public void setUnicodeStream(int i, InputStream x, int length) throws SQLException {
    bind(i, x == null ? null : new String(read(x, length), StandardCharsets.UTF_16BE));
  }

  @Override
  public void setBinaryStream(int i, InputStream x, int length) throws SQLException {
    bind(i, x == null ? null : read(x, length));
  }

  @Override
  public void setBinaryStream(int i, InputStream x, long length) throws SQLException {
    bind(i, x == null ? null : read(x, length));
  }

  @Override
  public void setBinaryStream(int i, InputStream x) throws SQLException {
    bind(i, x == null ? null : read(x, -1));
  }

  @Override
  public void setCharacterStream(int i, Reader x, int length) throws SQLException {
    bind(i, x == null ? null : read(x, length));
  }

  @Override
  public void setCharacterStream(int i, Reader x, long length) throws SQLException {
    bind(i, x == null ? null : read(x, length));
  }

  @Override
  public void setCharacterStream(int i, Reader x) throws SQLException {
    bind(i, x == null ? null : read(x, -1));
  }

  @Override
  public void setNCharacterStream(int i, Reader x, long length) throws SQLException {
    bind(i, x == null ? null : read(x, length));
  }

  @Override
  public void setNCharacterStream(int i, Reader x) throws SQLException {
    bind(i, x == null ? null : read(x, -1));
  }

  @Override
  public void setURL(int i, URL x) throws SQLException {
    bind(i, x == null ? null : x.toString());
  }

  @Override
  public void setRef(int i, Ref x) throws SQLException {
    throw new SQLFeatureNotSupportedException("REF parameters are not supported", "0A000");
  }

  @Override
  public void setBlob(int i, Blob x) throws SQLException {
    throw new SQLFeatureNotSupportedException("BLOB parameters are not supported", "0A000");
  }

  @Override
  public void setBlob(int i, InputStream x, long length) throws SQLException {
    throw new SQLFeatureNotSupportedException("BLOB parameters are not supported", "0A000");
  }

  @Override
  public void setBlob(int i, InputStream x) throws SQLException {
    throw new SQLFeatureNotSupportedException("BLOB parameters are not supported", "0A000");
  }

  @Override
  public void setClob(int i, Clob x) throws SQLException {
    throw new SQLFeatureNotSupportedException("CLOB parameters are not supported", "0A000");
  }

  @Override
  public void setClob(int i, Reader x, long length) throws SQLException {
    throw new SQLFeatureNotSupportedException("CLOB parameters are not supported", "0A000");
  }

  @Override
  public void setClob(int i, Reader x) throws SQLException {
    throw new SQLFeatureNotSupportedException("CLOB parameters are not supported", "0A000");
  }

  @Override
  public void setNClob(int i, NClob x) throws SQLException {
    throw new SQLFeatureNotSupportedException("NCLOB parameters are not supported", "0A000");
  }

  @Override
  public void setNClob(int i, Reader x, long length) throws SQLException {
    throw new SQLFeatureNotSupportedException("NCLOB parameters are not supported", "0A000");
  }

  @Override
  public void setNClob(int i, Reader x) throws SQLException {
    throw new SQLFeatureNotSupportedException("NCLOB parameters are not supported", "0A000");
  }

  @Override
  public void setArray(int i, Array x) throws SQLException {
    throw new SQLFeatureNotSupportedException("ARRAY parameters are not supported", "0A000");
  }

  @Override
  public void setRowId(int i, RowId x) throws SQLException {
    throw new SQLFeatureNotSupportedException("ROWID parameters are not supported", "0A000");
  }

  @Override
  public void setSQLXML(int i, SQLXML x) throws SQLException {
    throw new SQLFeatureNotSupportedException("SQLXML parameters are not supported", "0A000");
  }
}
