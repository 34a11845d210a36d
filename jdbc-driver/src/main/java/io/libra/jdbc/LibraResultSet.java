package io.libra.jdbc;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.Map;

/**
 * The Arrow driver's result set with Libra's value reading:
 *
 * <ul>
 *   <li>DECIMAL, VARCHAR, DATE, BIGINT, INTEGER and DOUBLE values come straight from the record
 *       batch ({@link ArrowValues}: {@code getObject}, {@code getBigDecimal},
 *       {@code getString});</li>
 *   <li>timestamps are exact whatever the client JVM's zone ({@link TimestampColumns}):
 *       {@code getTimestamp}, {@code getObject} (a {@link Timestamp}) and
 *       {@code getObject(col, type)} for {@link Timestamp}, {@link Instant},
 *       {@link OffsetDateTime}, {@link ZonedDateTime} (zoned columns, in the column's zone) and
 *       {@link LocalDateTime} (the wall clock; for zoned columns in the column's zone).</li>
 * </ul>
 *
 * <p>Everything else goes to the Arrow driver unchanged; {@code unwrap} still reaches its result
 * set and {@code getStatement} returns Libra's statement.
 */
final class LibraResultSet extends DelegatingResultSet {
  private final Statement statement;
  private final ArrowValues values;
  private TimestampColumns timestamps;
  private boolean timestampsRead;

  LibraResultSet(ResultSet delegate, Statement statement) {
    super(delegate);
    this.statement = statement;
    this.values = new ArrowValues(delegate);
  }

  @Override
  public Statement getStatement() {
    return statement;
  }

  // Every move tells ArrowValues where the result set now is.

  @Override
  public boolean next() throws SQLException {
    return moved(delegate.next());
  }

  @Override
  public boolean previous() throws SQLException {
    return moved(delegate.previous());
  }

  @Override
  public boolean absolute(int row) throws SQLException {
    return moved(delegate.absolute(row));
  }

  @Override
  public boolean relative(int rows) throws SQLException {
    return moved(delegate.relative(rows));
  }

  @Override
  public boolean first() throws SQLException {
    return moved(delegate.first());
  }

  @Override
  public boolean last() throws SQLException {
    return moved(delegate.last());
  }

  @Override
  public void beforeFirst() throws SQLException {
    delegate.beforeFirst();
    values.moved();
  }

  @Override
  public void afterLast() throws SQLException {
    delegate.afterLast();
    values.moved();
  }

  @Override
  public void close() throws SQLException {
    delegate.close();
    values.moved();
  }

  private boolean moved(boolean onRow) {
    values.moved();
    return onRow;
  }

  @Override
  public Object getObject(int column) throws SQLException {
    Object v = values.getObject(column);
    if (v != ArrowValues.NOT_HANDLED) {
      return v;
    }
    TimestampColumns ts = timestamps();
    return ts != null && ts.isTimestamp(column) ? ts.timestamp(delegate, column, null)
        : delegate.getObject(column);
  }

  @Override
  public Object getObject(String label) throws SQLException {
    return getObject(delegate.findColumn(label));
  }

  @Override
  public BigDecimal getBigDecimal(int column) throws SQLException {
    Object v = values.getBigDecimal(column);
    return v != ArrowValues.NOT_HANDLED ? (BigDecimal) v : delegate.getBigDecimal(column);
  }

  @Override
  public BigDecimal getBigDecimal(String label) throws SQLException {
    return getBigDecimal(delegate.findColumn(label));
  }

  @Override
  public String getString(int column) throws SQLException {
    Object v = values.getString(column);
    return v != ArrowValues.NOT_HANDLED ? (String) v : delegate.getString(column);
  }

  @Override
  public String getString(String label) throws SQLException {
    return getString(delegate.findColumn(label));
  }

  @Override
  public Timestamp getTimestamp(int column) throws SQLException {
    return getTimestamp(column, (Calendar) null);
  }

  @Override
  public Timestamp getTimestamp(String label) throws SQLException {
    return getTimestamp(delegate.findColumn(label), (Calendar) null);
  }

  @Override
  public Timestamp getTimestamp(int column, Calendar calendar) throws SQLException {
    TimestampColumns ts = timestamps();
    return ts != null && ts.isTimestamp(column) ? ts.timestamp(delegate, column, calendar)
        : delegate.getTimestamp(column, calendar);
  }

  @Override
  public Timestamp getTimestamp(String label, Calendar calendar) throws SQLException {
    return getTimestamp(delegate.findColumn(label), calendar);
  }

  @Override
  public Object getObject(int column, Map<String, Class<?>> map) throws SQLException {
    TimestampColumns ts = timestamps();
    return ts != null && ts.isTimestamp(column) ? ts.timestamp(delegate, column, null)
        : delegate.getObject(column, map);
  }

  @Override
  public Object getObject(String label, Map<String, Class<?>> map) throws SQLException {
    return getObject(delegate.findColumn(label), map);
  }

  @Override
  public <T> T getObject(int column, Class<T> type) throws SQLException {
    TimestampColumns ts = timestamps();
    return ts != null && ts.isTimestamp(column) ? timestampAs(ts, column, type)
        : delegate.getObject(column, type);
  }

  @Override
  public <T> T getObject(String label, Class<T> type) throws SQLException {
    return getObject(delegate.findColumn(label), type);
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) && !type.isInstance(delegate) ? type.cast(this)
        : delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(delegate) || delegate.isWrapperFor(type);
  }

  @Override
  public String toString() {
    return "LibraResultSet[" + delegate + "]";
  }

  /** The timestamp columns of the result, read once; null if it has none. */
  private TimestampColumns timestamps() {
    if (!timestampsRead) {
      timestamps = TimestampColumns.of(delegate);
      timestampsRead = true;
    }
    return timestamps;
  }

  private <T> T timestampAs(TimestampColumns ts, int column, Class<T> type) throws SQLException {
    ZoneId zone = ts.zone(column);
    LocalDateTime wall = ts.wallClock(delegate, column);
    if (wall == null) {
      return null;
    }
    if (type == LocalDateTime.class) {
      return type.cast(wall);
    }
    if (type == Timestamp.class) {
      return type.cast(ts.timestamp(delegate, column, null));
    }
    if (zone == null) {
      throw new SQLDataException("column " + column + " is a TIMESTAMP without time zone (Spark"
          + " timestamp_ntz): read it as LocalDateTime or Timestamp, not "
          + type.getSimpleName());
    }
    ZonedDateTime zoned = wall.atZone(zone);
    if (type == ZonedDateTime.class) {
      return type.cast(zoned);
    }
    if (type == OffsetDateTime.class) {
      return type.cast(zoned.toOffsetDateTime());
    }
    if (type == Instant.class) {
      return type.cast(zoned.toInstant());
    }
    return delegate.getObject(column, type);
  }
}
