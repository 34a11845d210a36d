package io.libra.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The parameter values of a prepared statement, one row per execution (or per
 * {@code addBatch}), turned into the Arrow record batch Flight SQL binds with {@code DoPut}
 * ({@code CommandPreparedStatementQuery} / {@code CommandPreparedStatementUpdate}): one column per
 * {@code ?} marker of the statement's {@code parameter_schema}, one row per parameter row.
 *
 * <p>Each column's Arrow type follows the Java values bound to it, because the gateway turns each
 * value into a Spark literal of its own type and Spark casts it where the marker is used
 * ({@code ParameterRows} on the gateway; a marker Spark cannot type is declared STRING, so the
 * declared type would turn {@code setInt} into text). Values: Boolean bool; Byte, Short, Integer,
 * Long int8..int64; Float, Double float32/float64; BigDecimal, BigInteger decimal128(38, s) with
 * s the largest scale of the column (at most what 38 digits leave after the integer part); String,
 * UUID, Character, LocalTime and java.sql.Time (their ISO text) utf8; byte[] binary; LocalDate and
 * java.sql.Date date32; LocalDateTime timestamp(µs) without zone (Spark TIMESTAMP_NTZ); Instant,
 * OffsetDateTime, ZonedDateTime, java.sql.Timestamp and java.util.Date timestamp(µs, UTC) (Spark
 * TIMESTAMP). A column whose values are all NULL takes the type the gateway declared for the
 * marker, so {@code coalesce(?, 7L)} stays BIGINT. In a batch, integers of different widths widen
 * to the widest, integers with decimals to decimal, numbers with a float to float64; other mixes
 * are an error (SQLSTATE 22018).
 */
final class ParameterBinder {
  /** What a bound value is sent as; the numeric kinds are ordered by width. */
  private enum Kind {
    BOOL, INT8, INT16, INT32, INT64, DECIMAL, FLOAT32, FLOAT64, UTF8, BINARY, DATE,
    TIMESTAMP_NTZ, TIMESTAMP;

    boolean integral() {
      return this == INT8 || this == INT16 || this == INT32 || this == INT64;
    }

    boolean numeric() {
      return integral() || this == DECIMAL || this == FLOAT32 || this == FLOAT64;
    }
  }

  private static final int MAX_DECIMAL_DIGITS = 38;

  private final List<Field> declared;
  private final int count;
  private Object[] current;
  private final boolean[] set;
  private final List<Object[]> batch = new ArrayList<>();

  /** @param parameters the prepared statement's {@code parameter_schema}; null for none */
  ParameterBinder(Schema parameters) {
    this.declared = parameters == null ? List.of() : parameters.getFields();
    this.count = declared.size();
    this.current = new Object[count];
    this.set = new boolean[count];
  }

  /** Number of {@code ?} markers. */
  int count() {
    return count;
  }

  /**
   * Sets parameter {@code index} (1-based) of the current row; null is SQL NULL.
   *
   * @throws SQLException 07009 for an index out of range; 0A000 for a Java type with no Arrow
   *     mapping
   */
  void set(int index, Object value) throws SQLException {
    if (index < 1 || index > count) {
      throw new SQLException("parameter index " + index + " out of range 1.." + count, "07009");
    }
    current[index - 1] = normalise(value);
    set[index - 1] = true;
  }

  /** The value as one of the classes {@link #kindOf} knows. */
  private static Object normalise(Object v) throws SQLException {
    if (v == null || v instanceof Boolean || v instanceof Byte || v instanceof Short
        || v instanceof Integer || v instanceof Long || v instanceof Float || v instanceof Double
        || v instanceof BigDecimal || v instanceof String || v instanceof byte[]
        || v instanceof LocalDate || v instanceof LocalDateTime || v instanceof Instant) {
      return v;
    }
    if (v instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof java.sql.Time t) {
      return t.toLocalTime().toString();
    }
    if (v instanceof java.util.Date d) {
      return d.toInstant();
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (v instanceof ZonedDateTime z) {
      return z.toInstant();
    }
    if (v instanceof LocalTime || v instanceof java.util.UUID || v instanceof Character) {
      return v.toString();
    }
    throw new SQLFeatureNotSupportedException("parameters of type " + v.getClass().getName()
        + " are not supported", "0A000");
  }

  /** Forgets the current row's values (JDBC {@code clearParameters}). */
  void clear() {
    current = new Object[count];
    Arrays.fill(set, false);
  }

  /** @throws SQLException 07002 when a parameter has no value */
  private void checkSet() throws SQLException {
    for (int i = 0; i < count; i++) {
      if (!set[i]) {
        throw new SQLException("parameter " + (i + 1) + " has no value (set it, or setNull)",
            "07002");
      }
    }
  }

  /**
   * Keeps the current row for {@code executeBatch}; the current values stay set.
   *
   * @throws SQLException 07002 when a parameter has no value
   */
  void addBatch() throws SQLException {
    checkSet();
    batch.add(current.clone());
  }

  void clearBatch() {
    batch.clear();
  }

  /** The batch rows, emptied. */
  List<Object[]> takeBatch() {
    List<Object[]> out = List.copyOf(batch);
    batch.clear();
    return out;
  }

  /**
   * The current row, as a one-row list.
   *
   * @throws SQLException 07002 when a parameter has no value
   */
  List<Object[]> currentRow() throws SQLException {
    checkSet();
    List<Object[]> out = new ArrayList<>();
    out.add(current.clone());
    return out;
  }

  /**
   * The Arrow record batch of {@code rows} (each {@link #count()} values), allocated in
   * {@code allocator}; the caller closes it.
   *
   * @throws SQLException 22018 for values of incompatible types in one column of a batch, 22003
   *     for a value that does not fit its column (a decimal of more than 38 digits); nothing stays
   *     allocated then
   */
  VectorSchemaRoot toRoot(BufferAllocator allocator, List<Object[]> rows) throws SQLException {
    List<Field> fields = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      fields.add(new Field("parameter_" + (c + 1), type(rows, c), children(rows, c)));
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    try {
      root.allocateNew();
      for (int c = 0; c < count; c++) {
        FieldVector v = root.getVector(c);
        for (int r = 0; r < rows.size(); r++) {
          try {
            write(v, r, rows.get(r)[c]);
          } catch (RuntimeException e) {
            throw new SQLException("parameter " + (c + 1) + (rows.size() > 1 ? " of batch row "
                + (r + 1) : "") + ": cannot send " + rows.get(r)[c] + " as "
                + v.getField().getType() + ": " + e.getMessage(), "22003", e);
          }
        }
        v.setValueCount(rows.size());
      }
      root.setRowCount(rows.size());
      return root;
    } catch (SQLException | RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /** The declared field's children, for a column of NULLs sent with the declared type. */
  private List<Field> children(List<Object[]> rows, int c) {
    return allNull(rows, c) && usableDeclared(c) ? declared.get(c).getChildren() : null;
  }

  private static boolean allNull(List<Object[]> rows, int c) {
    for (Object[] row : rows) {
      if (row[c] != null) {
        return false;
      }
    }
    return true;
  }

  private boolean usableDeclared(int c) {
    return !(declared.get(c).getType() instanceof ArrowType.Null);
  }

  private FieldType type(List<Object[]> rows, int c) throws SQLException {
    Kind kind = null;
    int scale = 0;
    int integerDigits = 1;
    for (Object[] row : rows) {
      Object v = row[c];
      if (v == null) {
        continue;
      }
      Kind k = kindOf(v);
      kind = kind == null ? k : widen(kind, k, c);
      if (v instanceof BigDecimal d) {
        scale = Math.max(scale, Math.max(0, d.scale()));
        integerDigits = Math.max(integerDigits, d.precision() - d.scale());
      } else if (k.integral()) {
        integerDigits = Math.max(integerDigits,
            BigDecimal.valueOf(((Number) v).longValue()).precision());
      }
    }
    if (kind == null) {
      // Only NULLs: the type the gateway inferred for the marker.
      return FieldType.nullable(usableDeclared(c) ? declared.get(c).getType()
          : ArrowType.Utf8.INSTANCE);
    }
    ArrowType t = switch (kind) {
      case BOOL -> ArrowType.Bool.INSTANCE;
      case INT8 -> new ArrowType.Int(8, true);
      case INT16 -> new ArrowType.Int(16, true);
      case INT32 -> new ArrowType.Int(32, true);
      case INT64 -> new ArrowType.Int(64, true);
      case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case DECIMAL -> {
        if (integerDigits > MAX_DECIMAL_DIGITS) {
          throw new SQLException("parameter " + (c + 1) + ": a decimal of " + integerDigits
              + " integer digits does not fit DECIMAL(38)", "22003");
        }
        yield new ArrowType.Decimal(MAX_DECIMAL_DIGITS,
            Math.min(scale, MAX_DECIMAL_DIGITS - integerDigits), 128);
      }
      case UTF8 -> ArrowType.Utf8.INSTANCE;
      case BINARY -> ArrowType.Binary.INSTANCE;
      case DATE -> new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP_NTZ -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
      case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
    };
    return FieldType.nullable(t);
  }

  private static Kind kindOf(Object v) {
    if (v instanceof Boolean) {
      return Kind.BOOL;
    } else if (v instanceof Byte) {
      return Kind.INT8;
    } else if (v instanceof Short) {
      return Kind.INT16;
    } else if (v instanceof Integer) {
      return Kind.INT32;
    } else if (v instanceof Long) {
      return Kind.INT64;
    } else if (v instanceof Float) {
      return Kind.FLOAT32;
    } else if (v instanceof Double) {
      return Kind.FLOAT64;
    } else if (v instanceof BigDecimal) {
      return Kind.DECIMAL;
    } else if (v instanceof byte[]) {
      return Kind.BINARY;
    } else if (v instanceof LocalDate) {
      return Kind.DATE;
    } else if (v instanceof LocalDateTime) {
      return Kind.TIMESTAMP_NTZ;
    } else if (v instanceof Instant) {
      return Kind.TIMESTAMP;
    }
    return Kind.UTF8;
  }

  /** The kind that holds values of both kinds, or 22018. */
  private static Kind widen(Kind a, Kind b, int c) throws SQLException {
    if (a == b) {
      return a;
    }
    if (a.numeric() && b.numeric()) {
      if (a == Kind.FLOAT32 || a == Kind.FLOAT64 || b == Kind.FLOAT32 || b == Kind.FLOAT64) {
        return Kind.FLOAT64;
      }
      if (a == Kind.DECIMAL || b == Kind.DECIMAL) {
        return Kind.DECIMAL;
      }
      return a.ordinal() > b.ordinal() ? a : b;
    }
    throw new SQLException("parameter " + (c + 1) + " has values of different types in one batch ("
        + a + " and " + b + "): bind values of one type to a parameter", "22018");
  }

  private static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  private static void write(FieldVector v, int r, Object x) {
    if (x == null) {
      v.setNull(r);
    } else if (v instanceof VarCharVector s) {
      s.setSafe(r, x.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof BitVector b) {
      b.setSafe(r, (Boolean) x ? 1 : 0);
    } else if (v instanceof TinyIntVector t) {
      t.setSafe(r, ((Number) x).byteValue());
    } else if (v instanceof SmallIntVector t) {
      t.setSafe(r, ((Number) x).shortValue());
    } else if (v instanceof IntVector t) {
      t.setSafe(r, ((Number) x).intValue());
    } else if (v instanceof BigIntVector t) {
      t.setSafe(r, ((Number) x).longValue());
    } else if (v instanceof Float4Vector t) {
      t.setSafe(r, ((Number) x).floatValue());
    } else if (v instanceof Float8Vector t) {
      t.setSafe(r, ((Number) x).doubleValue());
    } else if (v instanceof DecimalVector d) {
      BigDecimal b = x instanceof BigDecimal bd ? bd : BigDecimal.valueOf(((Number) x).longValue());
      d.setSafe(r, b.setScale(d.getScale(), RoundingMode.HALF_UP));
    } else if (v instanceof VarBinaryVector b) {
      b.setSafe(r, (byte[]) x);
    } else if (v instanceof DateDayVector d) {
      d.setSafe(r, Math.toIntExact(((LocalDate) x).toEpochDay()));
    } else if (v instanceof TimeStampMicroTZVector t) {
      t.setSafe(r, micros((Instant) x));
    } else if (v instanceof TimeStampMicroVector t) {
      t.setSafe(r, micros(((LocalDateTime) x).toInstant(ZoneOffset.UTC)));
    } else {
      throw new IllegalStateException("no writer for " + v.getClass().getSimpleName());
    }
  }
}
