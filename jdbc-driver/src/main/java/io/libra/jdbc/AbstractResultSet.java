package io.libra.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.PeriodDuration;

/**
 * What every result set of the driver shares: a forward-only ({@code TYPE_FORWARD_ONLY}),
 * read-only ({@code CONCUR_READ_ONLY}) cursor held over commits, and the JDBC getters with the
 * conversions of JDBC 4.3 table B-6, over the current row's values as {@link #value(int)} gives
 * them (the classes {@code getObject} returns, see {@link ArrowReaders}) and {@link #temporal(int)}
 * (the java.time value of a date, time or timestamp).
 *
 * <p>Date and time values, whatever the client JVM's zone:
 *
 * <ul>
 *   <li>a timestamp with a zone (Spark TIMESTAMP) is an instant: {@code getTimestamp} and
 *       {@code getObject} give {@code Timestamp.from(instant)} (a Calendar changes nothing),
 *       {@code getObject(i, Instant/OffsetDateTime/ZonedDateTime)} the instant (in the column's
 *       zone), {@code getObject(i, LocalDateTime/LocalDate/LocalTime)} and {@code getString} the
 *       wall clock in the column's zone (Spark's session zone); {@code getDate}/{@code getTime}
 *       the instant's day/time of day in the Calendar's zone or else the JVM's;</li>
 *   <li>a timestamp without a zone (Spark TIMESTAMP_NTZ) is a wall clock: {@code getTimestamp}
 *       gives {@code Timestamp.valueOf(wallClock)}, with a Calendar the instant of the wall clock
 *       in its zone; {@code getObject(i, LocalDateTime)} the wall clock; asking an Instant,
 *       OffsetDateTime or ZonedDateTime of it is SQLSTATE 22018 (it has no zone). A wall clock
 *       that does not exist in the JVM's zone (its daylight-saving gap) cannot be a
 *       {@code java.sql.Timestamp} and comes out shifted by the gap there, exact as
 *       LocalDateTime;</li>
 *   <li>a date is a day: {@code getDate} gives {@code Date.valueOf(day)} (local midnight in the
 *       JVM's zone), with a Calendar midnight in its zone; {@code getObject(i, LocalDate)} the
 *       day.</li>
 * </ul>
 *
 * <p>Errors: a getter before the first row or after the last is SQLSTATE 24000, on a closed result
 * set 24000 too (saying it is closed), an unknown column label 42S22 naming it, a column index out
 * of range 07009, a value that does not convert 22018 ({@link SQLDataException}; 22003 out of
 * range); updates are {@link SQLFeatureNotSupportedException} (0A000, read-only), moving other
 * than {@code next()} SQLSTATE 24000 (forward-only).
 */
abstract class AbstractResultSet implements ResultSet {
  private final Statement statement;
  private boolean closed;
  private boolean wasNull;
  private long row; // 0 before the first row, -1 after the last
  private boolean hadRows;
  private int fetchSize;
  private SQLWarning warnings;
  private Map<String, Integer> labels;

  AbstractResultSet(Statement statement) {
    this.statement = statement;
  }

  /** Columns of the result. */
  protected abstract int columnCount();

  /** Label of column {@code column} (1-based). */
  protected abstract String label(int column);

  /** Moves to the next row: false at the end. */
  protected abstract boolean advance() throws SQLException;

  /** Whether {@link #advance} would return false (it may read ahead, never past a row). */
  protected abstract boolean exhausted() throws SQLException;

  /** The current row's value of {@code column} (1-based), null for SQL NULL. */
  protected abstract Object value(int column) throws SQLException;

  /** Releases what the result holds (streams, buffers); called once. */
  protected abstract void release() throws SQLException;

  @Override
  public abstract ResultSetMetaData getMetaData() throws SQLException;

  /**
   * The java.time value of the current row's non-null {@code column}: LocalDate (dates),
   * LocalTime (times), LocalDateTime (timestamps without a zone), ZonedDateTime (timestamps with
   * one, in the column's zone); other values as {@link #value}. This implementation derives it
   * from {@link #value}: java.sql.Date, Time and Timestamp as their local values.
   */
  protected Object temporal(int column) throws SQLException {
    Object v = value(column);
    if (v instanceof Timestamp t) {
      return t.toLocalDateTime();
    }
    if (v instanceof Date d) {
      return d.toLocalDate();
    }
    if (v instanceof Time t) {
      return t.toLocalTime();
    }
    return v;
  }

  /** The value, remembering whether it was null; checks the cursor and the index. */
  protected final Object get(int column) throws SQLException {
    checkRow(column);
    Object v = value(column);
    wasNull = v == null;
    return v;
  }

  /** Records whether the last value read was null (fast paths of subclasses). */
  protected final void setWasNull(boolean isNull) {
    wasNull = isNull;
  }

  /** Checks that a row is current and {@code column} is in range. */
  protected final void checkRow(int column) throws SQLException {
    if (closed || row <= 0 || column < 1 || column > columnCount()) {
      checkOpen();
      if (row <= 0) {
        throw new SQLException(row == 0 ? "no current row: call next() first"
            : "no current row: the result set is after its last row", "24000");
      }
      throw new SQLException("column index " + column + " out of range 1.." + columnCount(),
          "07009");
    }
  }

  protected final void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("the result set is closed", "24000");
    }
  }

  @Override
  public boolean next() throws SQLException {
    checkOpen();
    if (row < 0) {
      return false;
    }
    if (advance()) {
      row++;
      hadRows = true;
      return true;
    }
    row = -1;
    return false;
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    release();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean wasNull() throws SQLException {
    checkOpen();
    return wasNull;
  }

  /** The first column whose label equals {@code columnLabel} ignoring case. */
  @Override
  public int findColumn(String columnLabel) throws SQLException {
    checkOpen();
    if (labels == null) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = columnCount(); i >= 1; i--) {
        m.put(label(i).toLowerCase(Locale.ROOT), i);
      }
      labels = m;
    }
    Integer i = columnLabel == null ? null : labels.get(columnLabel.toLowerCase(Locale.ROOT));
    if (i == null) {
      throw new SQLException("no column '" + columnLabel + "' in the result", "42S22");
    }
    return i;
  }

  // ---- conversions (JDBC table B-6) ----

  static SQLDataException cannot(Object v, String to) {
    String text = ValueText.of(v);
    if (text.length() > 100) {
      text = text.substring(0, 100) + "…";
    }
    return new SQLDataException("cannot convert " + v.getClass().getSimpleName() + " value '"
        + text + "' to " + to, "22018");
  }

  private static SQLDataException outOfRange(Object v, String to) {
    return new SQLDataException("value " + ValueText.of(v) + " is out of range of " + to,
        "22003");
  }

  private static boolean isIntegral(Object v) {
    return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
  }

  static BigDecimal decimal(Object v) throws SQLException {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (isIntegral(v)) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw cannot(v, "DECIMAL");
      }
      return new BigDecimal(v.toString());
    }
    if (v instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw cannot(v, "a number");
      }
    }
    throw cannot(v, "a number");
  }

  /** {@code v} as a whole number in {@code min..max} (fractions are truncated). */
  static long integral(Object v, long min, long max, String to) throws SQLException {
    long out;
    if (isIntegral(v)) {
      out = ((Number) v).longValue();
    } else if (v instanceof Boolean b) {
      out = b ? 1 : 0;
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || d < min || d > max || d >= 0x1p63) {
        throw outOfRange(v, to);
      }
      out = (long) d;
    } else {
      BigDecimal d = decimal(v).setScale(0, RoundingMode.DOWN);
      if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
        throw outOfRange(v, to);
      }
      out = d.longValue();
    }
    if (out < min || out > max) {
      throw outOfRange(v, to);
    }
    return out;
  }

  static double floating(Object v) throws SQLException {
    if (v instanceof Number n && !(v instanceof BigDecimal) && !(v instanceof BigInteger)) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw cannot(v, "DOUBLE");
      }
    }
    return decimal(v).doubleValue();
  }

  @Override
  public String getString(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    return v == null ? null : ValueText.of(v);
  }

  @Override
  public boolean getBoolean(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      String t = s.trim();
      if (t.equalsIgnoreCase("true") || t.equals("1")) {
        return true;
      }
      if (t.equalsIgnoreCase("false") || t.equals("0")) {
        return false;
      }
      throw cannot(v, "BOOLEAN");
    }
    if (v instanceof Number) {
      return v instanceof BigDecimal d ? d.signum() != 0 : floating(v) != 0;
    }
    throw cannot(v, "BOOLEAN");
  }

  @Override
  public byte getByte(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    return v == null ? 0 : (byte) integral(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "TINYINT");
  }

  @Override
  public short getShort(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    return v == null ? 0 : (short) integral(v, Short.MIN_VALUE, Short.MAX_VALUE, "SMALLINT");
  }

  @Override
  public int getInt(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    return v == null ? 0 : (int) integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "INTEGER");
  }

  @Override
  public long getLong(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    return v == null ? 0 : integral(v, Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
  }

  @Override
  public float getFloat(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    if (v == null) {
      return 0;
    }
    double d = floating(v);
    float f = (float) d;
    if (Float.isInfinite(f) && !Double.isInfinite(d)) {
      throw outOfRange(v, "REAL");
    }
    return f;
  }

  @Override
  public double getDouble(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    return v == null ? 0 : floating(v);
  }

  @Override
  public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    return v == null ? null : decimal(v);
  }

  @Override
  @Deprecated
  public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
    BigDecimal d = getBigDecimal(columnIndex);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  public byte[] getBytes(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] b) {
      return b;
    }
    if (v instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    throw cannot(v, "BINARY");
  }

  @Override
  public Date getDate(int columnIndex) throws SQLException {
    return getDate(columnIndex, (Calendar) null);
  }

  @Override
  public Time getTime(int columnIndex) throws SQLException {
    return getTime(columnIndex, (Calendar) null);
  }

  @Override
  public Timestamp getTimestamp(int columnIndex) throws SQLException {
    return getTimestamp(columnIndex, (Calendar) null);
  }

  private static ZoneId zone(Calendar cal) {
    return cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
  }

  /**
   * The java.time value of a string column's text: a LocalDateTime ({@code yyyy-MM-dd HH:mm:ss[.f]}
   * or ISO), a LocalDate, a LocalTime or an OffsetDateTime; else 22018.
   */
  private static Object parse(String s, String to) throws SQLDataException {
    String t = s.trim();
    try {
      if (t.length() > 10 && t.charAt(4) == '-' && (t.charAt(10) == ' ' || t.charAt(10) == 'T')) {
        String iso = t.replace(' ', 'T');
        char last = iso.charAt(iso.length() - 1);
        if (last == 'Z' || iso.lastIndexOf('+') > 10 || iso.lastIndexOf('-') > 10) {
          return OffsetDateTime.parse(iso).toZonedDateTime();
        }
        return LocalDateTime.parse(iso);
      }
      if (t.length() >= 8 && t.charAt(2) == ':') {
        return LocalTime.parse(t);
      }
      return LocalDate.parse(t);
    } catch (RuntimeException e) {
      throw cannot(s, to);
    }
  }

  /** The temporal value of a non-null value, strings parsed; 22018 for other classes. */
  private Object temporalOf(int columnIndex, Object v, String to) throws SQLException {
    Object t = temporal(columnIndex);
    if (t instanceof String s) {
      return parse(s, to);
    }
    if (t instanceof OffsetDateTime o) {
      return o.toZonedDateTime();
    }
    if (t instanceof Instant i) {
      return i.atZone(ZoneOffset.UTC);
    }
    if (t instanceof LocalDate || t instanceof LocalTime || t instanceof LocalDateTime
        || t instanceof ZonedDateTime) {
      return t;
    }
    throw cannot(v, to);
  }

  private static Date dateOf(LocalDate d, Calendar cal) {
    return cal == null ? Date.valueOf(d)
        : new Date(d.atStartOfDay(zone(cal)).toInstant().toEpochMilli());
  }

  @Override
  public Date getDate(int columnIndex, Calendar cal) throws SQLException {
    Object v = get(columnIndex);
    if (v == null) {
      return null;
    }
    if (cal == null && v instanceof Date d) {
      return d;
    }
    Object t = temporalOf(columnIndex, v, "DATE");
    if (t instanceof LocalDate d) {
      return dateOf(d, cal);
    }
    if (t instanceof LocalDateTime l) {
      return dateOf(l.toLocalDate(), cal);
    }
    if (t instanceof ZonedDateTime z) {
      return dateOf(LocalDate.ofInstant(z.toInstant(), zone(cal)), cal);
    }
    throw cannot(v, "DATE");
  }

  private static Time timeOf(LocalTime t, Calendar cal) {
    long millis = cal == null ? Time.valueOf(t).getTime()
        : t.atDate(LocalDate.EPOCH).atZone(zone(cal)).toInstant().toEpochMilli();
    return new Time(millis + (cal == null ? t.getNano() / 1_000_000 : 0));
  }

  @Override
  public Time getTime(int columnIndex, Calendar cal) throws SQLException {
    Object v = get(columnIndex);
    if (v == null) {
      return null;
    }
    if (cal == null && v instanceof Time t) {
      return t;
    }
    Object t = temporalOf(columnIndex, v, "TIME");
    if (t instanceof LocalTime l) {
      return timeOf(l, cal);
    }
    if (t instanceof LocalDateTime l) {
      return timeOf(l.toLocalTime(), cal);
    }
    if (t instanceof ZonedDateTime z) {
      return timeOf(LocalTime.ofInstant(z.toInstant(), zone(cal)), cal);
    }
    throw cannot(v, "TIME");
  }

  /**
   * A timestamp with a zone is its instant whatever {@code cal}; one without (a wall clock), a
   * date (its midnight) or a string is read in {@code cal}'s zone, or the JVM's without one.
   */
  @Override
  public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
    Object v = get(columnIndex);
    if (v == null) {
      return null;
    }
    if (cal == null && v instanceof Timestamp ts) {
      return ts;
    }
    Object t = temporalOf(columnIndex, v, "TIMESTAMP");
    if (t instanceof ZonedDateTime z) {
      return Timestamp.from(z.toInstant());
    }
    LocalDateTime l = t instanceof LocalDateTime x ? x
        : t instanceof LocalDate d ? d.atStartOfDay() : null;
    if (l == null) {
      throw cannot(v, "TIMESTAMP");
    }
    return cal == null ? Timestamp.valueOf(l) : Timestamp.from(l.atZone(zone(cal)).toInstant());
  }

  @Override
  public Object getObject(int columnIndex) throws SQLException {
    return get(columnIndex);
  }

  /** Type maps do not apply: no user-defined types. */
  @Override
  public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
    return getObject(columnIndex);
  }

  /**
   * The value as {@code type}: String, Boolean, Byte, Short, Integer, Long, Float, Double,
   * BigDecimal, BigInteger, byte[], java.sql.Date/Time/Timestamp (as their getters), LocalDate,
   * LocalTime, LocalDateTime, Instant, OffsetDateTime, ZonedDateTime (see the class comment),
   * Period, Duration, Map, List (an array's elements), java.sql.Array, Object, or any class the
   * value is an instance of; null for SQL NULL; 22018 when it does not convert.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
    if (type == null) {
      throw new SQLException("type must not be null", "HY009");
    }
    Object v = get(columnIndex);
    if (v == null) {
      return null;
    }
    Object out = convert(columnIndex, v, type);
    wasNull = false;
    return (T) out;
  }

  private Object convert(int i, Object v, Class<?> type) throws SQLException {
    if (type == Object.class) {
      return v;
    }
    if (type == String.class) {
      return getString(i);
    }
    if (type == Long.class) {
      return getLong(i);
    }
    if (type == Integer.class) {
      return getInt(i);
    }
    if (type == Short.class) {
      return getShort(i);
    }
    if (type == Byte.class) {
      return getByte(i);
    }
    if (type == Boolean.class) {
      return getBoolean(i);
    }
    if (type == Double.class) {
      return getDouble(i);
    }
    if (type == Float.class) {
      return getFloat(i);
    }
    if (type == BigDecimal.class) {
      return getBigDecimal(i);
    }
    if (type == BigInteger.class) {
      return getBigDecimal(i).setScale(0, RoundingMode.DOWN).toBigIntegerExact();
    }
    if (type == byte[].class) {
      return getBytes(i);
    }
    if (type == Date.class) {
      return getDate(i);
    }
    if (type == Time.class) {
      return getTime(i);
    }
    if (type == Timestamp.class) {
      return getTimestamp(i);
    }
    if (type == LocalDate.class || type == LocalTime.class || type == LocalDateTime.class
        || type == Instant.class || type == OffsetDateTime.class || type == ZonedDateTime.class) {
      return javaTime(i, v, type);
    }
    if (type == Period.class) {
      if (v instanceof Period p) {
        return p;
      }
      if (v instanceof PeriodDuration pd && pd.getDuration().isZero()) {
        return pd.getPeriod();
      }
      if (v instanceof String s) {
        try {
          return Period.parse(s.trim());
        } catch (RuntimeException e) {
          throw cannot(v, "Period");
        }
      }
      throw cannot(v, "Period");
    }
    if (type == Duration.class) {
      if (v instanceof Duration d) {
        return d;
      }
      if (v instanceof PeriodDuration pd && pd.getPeriod().toTotalMonths() == 0) {
        return Duration.ofDays(pd.getPeriod().getDays()).plus(pd.getDuration());
      }
      if (v instanceof String s) {
        try {
          return Duration.parse(s.trim());
        } catch (RuntimeException e) {
          throw cannot(v, "Duration");
        }
      }
      throw cannot(v, "Duration");
    }
    if (type == List.class && v instanceof Array a) {
      return Arrays.asList((Object[]) a.getArray());
    }
    if (type.isInstance(v)) {
      return v;
    }
    throw cannot(v, type.getName());
  }

  private Object javaTime(int i, Object v, Class<?> type) throws SQLException {
    Object t = temporalOf(i, v, type.getSimpleName());
    if (type == LocalDate.class) {
      if (t instanceof LocalDate d) {
        return d;
      }
      if (t instanceof LocalDateTime l) {
        return l.toLocalDate();
      }
      if (t instanceof ZonedDateTime z) {
        return z.toLocalDate();
      }
    } else if (type == LocalTime.class) {
      if (t instanceof LocalTime l) {
        return l;
      }
      if (t instanceof LocalDateTime l) {
        return l.toLocalTime();
      }
      if (t instanceof ZonedDateTime z) {
        return z.toLocalTime();
      }
    } else if (type == LocalDateTime.class) {
      if (t instanceof LocalDateTime l) {
        return l;
      }
      if (t instanceof ZonedDateTime z) {
        return z.toLocalDateTime();
      }
      if (t instanceof LocalDate d) {
        return d.atStartOfDay();
      }
    } else if (t instanceof ZonedDateTime z) {
      if (type == Instant.class) {
        return z.toInstant();
      }
      return type == OffsetDateTime.class ? z.toOffsetDateTime() : z;
    } else if (t instanceof LocalDateTime) {
      throw new SQLDataException("column " + i + " is a TIMESTAMP without time zone (Spark"
          + " TIMESTAMP_NTZ), a wall clock with no instant: read it as LocalDateTime or"
          + " Timestamp, not " + type.getSimpleName(), "22018");
    }
    throw cannot(v, type.getSimpleName());
  }

  @Override
  public Array getArray(int columnIndex) throws SQLException {
    Object v = get(columnIndex);
    if (v == null || v instanceof Array) {
      return (Array) v;
    }
    throw cannot(v, "ARRAY");
  }

  @Override
  public InputStream getBinaryStream(int columnIndex) throws SQLException {
    byte[] b = getBytes(columnIndex);
    return b == null ? null : new ByteArrayInputStream(b);
  }

  @Override
  public InputStream getAsciiStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  @Deprecated
  public InputStream getUnicodeStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_16BE));
  }

  @Override
  public Reader getCharacterStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new StringReader(s);
  }

  @Override
  public String getNString(int columnIndex) throws SQLException {
    return getString(columnIndex);
  }

  @Override
  public Reader getNCharacterStream(int columnIndex) throws SQLException {
    return getCharacterStream(columnIndex);
  }

  @Override
  public URL getURL(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    try {
      return s == null ? null : new java.net.URI(s.trim()).toURL();
    } catch (Exception e) {
      throw new SQLDataException("not a URL: " + s, "22018", e);
    }
  }

  /** The bytes of a binary (or the UTF-8 of a string) column, in memory. */
  @Override
  public Blob getBlob(int columnIndex) throws SQLException {
    byte[] b = getBytes(columnIndex);
    return b == null ? null : new javax.sql.rowset.serial.SerialBlob(b);
  }

  /** The text of the value ({@link #getString}), in memory. */
  @Override
  public Clob getClob(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new javax.sql.rowset.serial.SerialClob(s.toCharArray());
  }

  @Override
  public Ref getRef(int columnIndex) throws SQLException {
    throw unsupported("REF");
  }

  @Override
  public NClob getNClob(int columnIndex) throws SQLException {
    throw unsupported("NCLOB");
  }

  @Override
  public SQLXML getSQLXML(int columnIndex) throws SQLException {
    throw unsupported("SQLXML");
  }

  @Override
  public RowId getRowId(int columnIndex) throws SQLException {
    throw unsupported("ROWID");
  }

  private static SQLFeatureNotSupportedException unsupported(String what) {
    return new SQLFeatureNotSupportedException(what + " values are not supported", "0A000");
  }

  // ---- by label ----

  @Override
  public String getString(String l) throws SQLException {
    return getString(findColumn(l));
  }

  @Override
  public boolean getBoolean(String l) throws SQLException {
    return getBoolean(findColumn(l));
  }

  @Override
  public byte getByte(String l) throws SQLException {
    return getByte(findColumn(l));
  }

  @Override
  public short getShort(String l) throws SQLException {
    return getShort(findColumn(l));
  }

  @Override
  public int getInt(String l) throws SQLException {
    return getInt(findColumn(l));
  }

  @Override
  public long getLong(String l) throws SQLException {
    return getLong(findColumn(l));
  }

  @Override
  public float getFloat(String l) throws SQLException {
    return getFloat(findColumn(l));
  }

  @Override
  public double getDouble(String l) throws SQLException {
    return getDouble(findColumn(l));
  }

  @Override
  @Deprecated
  public BigDecimal getBigDecimal(String l, int scale) throws SQLException {
    return getBigDecimal(findColumn(l), scale);
  }

  @Override
  public byte[] getBytes(String l) throws SQLException {
    return getBytes(findColumn(l));
  }

  @Override
  public Date getDate(String l) throws SQLException {
    return getDate(findColumn(l));
  }

  @Override
  public Time getTime(String l) throws SQLException {
    return getTime(findColumn(l));
  }

  @Override
  public Timestamp getTimestamp(String l) throws SQLException {
    return getTimestamp(findColumn(l));
  }

  @Override
  public InputStream getAsciiStream(String l) throws SQLException {
    return getAsciiStream(findColumn(l));
  }

  @Override
  @Deprecated
  public InputStream getUnicodeStream(String l) throws SQLException {
    return getUnicodeStream(findColumn(l));
  }

  @Override
  public InputStream getBinaryStream(String l) throws SQLException {
    return getBinaryStream(findColumn(l));
  }

  @Override
  public Object getObject(String l) throws SQLException {
    return getObject(findColumn(l));
  }

  @Override
  public Reader getCharacterStream(String l) throws SQLException {
    return getCharacterStream(findColumn(l));
  }

  @Override
  public BigDecimal getBigDecimal(String l) throws SQLException {
    return getBigDecimal(findColumn(l));
  }

  @Override
  public Object getObject(String l, Map<String, Class<?>> map) throws SQLException {
    return getObject(findColumn(l), map);
  }

  @Override
  public Ref getRef(String l) throws SQLException {
    return getRef(findColumn(l));
  }

  @Override
  public Blob getBlob(String l) throws SQLException {
    return getBlob(findColumn(l));
  }

  @Override
  public Clob getClob(String l) throws SQLException {
    return getClob(findColumn(l));
  }

  @Override
  public Array getArray(String l) throws SQLException {
    return getArray(findColumn(l));
  }

  @Override
  public Date getDate(String l, Calendar cal) throws SQLException {
    return getDate(findColumn(l), cal);
  }

  @Override
  public Time getTime(String l, Calendar cal) throws SQLException {
    return getTime(findColumn(l), cal);
  }

  @Override
  public Timestamp getTimestamp(String l, Calendar cal) throws SQLException {
    return getTimestamp(findColumn(l), cal);
  }

  @Override
  public URL getURL(String l) throws SQLException {
    return getURL(findColumn(l));
  }

  @Override
  public RowId getRowId(String l) throws SQLException {
    return getRowId(findColumn(l));
  }

  @Override
  public NClob getNClob(String l) throws SQLException {
    return getNClob(findColumn(l));
  }

  @Override
  public SQLXML getSQLXML(String l) throws SQLException {
    return getSQLXML(findColumn(l));
  }

  @Override
  public String getNString(String l) throws SQLException {
    return getNString(findColumn(l));
  }

  @Override
  public Reader getNCharacterStream(String l) throws SQLException {
    return getNCharacterStream(findColumn(l));
  }

  @Override
  public <T> T getObject(String l, Class<T> type) throws SQLException {
    return getObject(findColumn(l), type);
  }

  // ---- cursor and properties ----

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
  public String getCursorName() throws SQLException {
    throw new SQLFeatureNotSupportedException("no named cursors", "0A000");
  }

  /** Before the first row of a result that has rows (it may read ahead to know). */
  @Override
  public boolean isBeforeFirst() throws SQLException {
    checkOpen();
    return row == 0 && !exhausted();
  }

  /** After the last row of a result that had rows. */
  @Override
  public boolean isAfterLast() throws SQLException {
    checkOpen();
    return row < 0 && hadRows;
  }

  @Override
  public boolean isFirst() throws SQLException {
    checkOpen();
    return row == 1;
  }

  /** On the last row (it may read ahead, the next record batch at most, to know). */
  @Override
  public boolean isLast() throws SQLException {
    checkOpen();
    return row > 0 && exhausted();
  }

  @Override
  public int getRow() throws SQLException {
    checkOpen();
    return row <= 0 ? 0 : (int) Math.min(row, Integer.MAX_VALUE);
  }

  private static SQLException forwardOnly() {
    return new SQLException("the result set is forward-only (TYPE_FORWARD_ONLY)", "24000");
  }

  @Override
  public void beforeFirst() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public void afterLast() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public boolean first() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public boolean last() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public boolean absolute(int r) throws SQLException {
    throw forwardOnly();
  }

  @Override
  public boolean relative(int rows) throws SQLException {
    throw forwardOnly();
  }

  @Override
  public boolean previous() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != FETCH_FORWARD) {
      throw forwardOnly();
    }
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return FETCH_FORWARD;
  }

  /** A hint only: the gateway decides batch sizes. */
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
  public int getType() throws SQLException {
    checkOpen();
    return TYPE_FORWARD_ONLY;
  }

  @Override
  public int getConcurrency() throws SQLException {
    checkOpen();
    return CONCUR_READ_ONLY;
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public Statement getStatement() throws SQLException {
    checkOpen();
    return statement;
  }

  @Override
  public boolean rowUpdated() throws SQLException {
    return false;
  }

  @Override
  public boolean rowInserted() throws SQLException {
    return false;
  }

  @Override
  public boolean rowDeleted() throws SQLException {
    return false;
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

  // ---- updates: read-only ----

  private static SQLFeatureNotSupportedException readOnly() {
    return new SQLFeatureNotSupportedException("the result set is read-only (CONCUR_READ_ONLY)",
        "0A000");
  }

  @Override
  public void updateNull(int a) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNull(String a) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBoolean(int a, boolean x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBoolean(String a, boolean x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateByte(int a, byte x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateByte(String a, byte x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateShort(int a, short x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateShort(String a, short x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateInt(int a, int x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateInt(String a, int x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateLong(int a, long x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateLong(String a, long x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateFloat(int a, float x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateFloat(String a, float x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateDouble(int a, double x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateDouble(String a, double x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBigDecimal(int a, BigDecimal x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBigDecimal(String a, BigDecimal x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateString(int a, String x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateString(String a, String x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBytes(int a, byte[] x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBytes(String a, byte[] x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateDate(int a, Date x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateDate(String a, Date x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateTime(int a, Time x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateTime(String a, Time x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateTimestamp(int a, Timestamp x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateTimestamp(String a, Timestamp x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateAsciiStream(int a, InputStream x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateAsciiStream(String a, InputStream x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBinaryStream(int a, InputStream x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBinaryStream(String a, InputStream x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateCharacterStream(int a, Reader x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateCharacterStream(String a, Reader x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateObject(int a, Object x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateObject(String a, Object x, int n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateObject(int a, Object x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateObject(String a, Object x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateRef(int a, Ref x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateRef(String a, Ref x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBlob(int a, Blob x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBlob(String a, Blob x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateClob(int a, Clob x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateClob(String a, Clob x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateArray(int a, Array x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateArray(String a, Array x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateRowId(int a, RowId x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateRowId(String a, RowId x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNString(int a, String x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNString(String a, String x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNClob(int a, NClob x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNClob(String a, NClob x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateSQLXML(int a, SQLXML x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateSQLXML(String a, SQLXML x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNCharacterStream(int a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNCharacterStream(String a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateAsciiStream(int a, InputStream x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateAsciiStream(String a, InputStream x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBinaryStream(int a, InputStream x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBinaryStream(String a, InputStream x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateCharacterStream(int a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateCharacterStream(String a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBlob(int a, InputStream x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBlob(String a, InputStream x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateClob(int a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateClob(String a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNClob(int a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNClob(String a, Reader x, long n) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNCharacterStream(int a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNCharacterStream(String a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateAsciiStream(int a, InputStream x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateAsciiStream(String a, InputStream x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBinaryStream(int a, InputStream x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBinaryStream(String a, InputStream x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateCharacterStream(int a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateCharacterStream(String a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBlob(int a, InputStream x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateBlob(String a, InputStream x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateClob(int a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateClob(String a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNClob(int a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateNClob(String a, Reader x) throws SQLException {
    throw readOnly();
  }

  @Override
  public void insertRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public void updateRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public void deleteRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public void refreshRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public void cancelRowUpdates() throws SQLException {
    throw readOnly();
  }

  @Override
  public void moveToInsertRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public void moveToCurrentRow() throws SQLException {
    throw readOnly();
  }
}
