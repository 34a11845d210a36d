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
 * ({@code CommandPreparedStatementQuery}). Each parameter's Arrow type follows its Java value, as
 * the gateway reads it (Spark's parameter types are not known before binding): Boolean bool,
 * Byte/Short/Integer/Long int8..int64, Float/Double float32/64, BigDecimal/BigInteger
 * decimal128(38, s), String (and UUID, Character) utf8, byte[] binary, LocalDate and
 * java.sql.Date date32, LocalDateTime timestamp(µs) without zone (Spark TIMESTAMP_NTZ), Instant,
 * OffsetDateTime, ZonedDateTime and java.sql.Timestamp timestamp(µs, UTC) (Spark TIMESTAMP),
 * LocalTime and java.sql.Time their ISO text; NULL of a parameter with no typed value in any row
 * is a null utf8.
 */
final class ParameterBinder {
  private final int count;
  private Object[] current;
  private final boolean[] set;
  private final List<Object[]> batch = new ArrayList<>();

  ParameterBinder(int count) {
    this.count = count;
    this.current = new Object[count];
    this.set = new boolean[count];
  }

  int count() {
    return count;
  }

  /**
   * Sets parameter {@code index} (1-based) of the current row.
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

  /** Keeps the current row for {@code executeBatch}; the current values stay set. */
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

  /** The current row, checked. */
  List<Object[]> currentRow() throws SQLException {
    checkSet();
    List<Object[]> out = new ArrayList<>();
    out.add(current.clone());
    return out;
  }

  /** The Arrow record batch of {@code rows}; the caller closes it. */
  VectorSchemaRoot toRoot(BufferAllocator allocator, List<Object[]> rows) {
    List<Field> fields = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      fields.add(new Field("parameter_" + (c + 1), FieldType.nullable(type(rows, c)), null));
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    try {
      root.allocateNew();
      for (int c = 0; c < count; c++) {
        FieldVector v = root.getVector(c);
        for (int r = 0; r < rows.size(); r++) {
          write(v, r, rows.get(r)[c]);
        }
        v.setValueCount(rows.size());
      }
      root.setRowCount(rows.size());
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private static ArrowType type(List<Object[]> rows, int c) {
    int scale = -1;
    Object first = null;
    for (Object[] row : rows) {
      Object v = row[c];
      if (v == null) {
        continue;
      }
      if (first == null) {
        first = v;
      }
      if (v instanceof BigDecimal d) {
        scale = Math.max(scale, Math.max(0, d.scale()));
      }
    }
    if (first == null || first instanceof String) {
      return ArrowType.Utf8.INSTANCE;
    }
    if (first instanceof Boolean) {
      return ArrowType.Bool.INSTANCE;
    }
    if (first instanceof Byte) {
      return new ArrowType.Int(8, true);
    }
    if (first instanceof Short) {
      return new ArrowType.Int(16, true);
    }
    if (first instanceof Integer) {
      return new ArrowType.Int(32, true);
    }
    if (first instanceof Long) {
      return new ArrowType.Int(64, true);
    }
    if (first instanceof Float) {
      return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    }
    if (first instanceof Double) {
      return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    }
    if (first instanceof BigDecimal) {
      return new ArrowType.Decimal(38, Math.min(scale, 38), 128);
    }
    if (first instanceof byte[]) {
      return ArrowType.Binary.INSTANCE;
    }
    if (first instanceof LocalDate) {
      return new ArrowType.Date(DateUnit.DAY);
    }
    if (first instanceof LocalDateTime) {
      return new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
    }
    return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
  }

  private static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  private static void write(FieldVector v, int r, Object x) {
    if (x == null) {
      v.setNull(r);
      return;
    }
    if (v instanceof VarCharVector s) {
      s.setSafe(r, x.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof BitVector b) {
      b.setSafe(r, toBoolean(x) ? 1 : 0);
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
      BigDecimal b = x instanceof BigDecimal bd ? bd : new BigDecimal(x.toString());
      d.setSafe(r, b.setScale(d.getScale(), RoundingMode.HALF_UP));
    } else if (v instanceof VarBinaryVector b) {
      b.setSafe(r, (byte[]) x);
    } else if (v instanceof DateDayVector d) {
      d.setSafe(r, (int) ((LocalDate) x).toEpochDay());
    } else if (v instanceof TimeStampMicroTZVector t) {
      t.setSafe(r, micros((Instant) x));
    } else if (v instanceof TimeStampMicroVector t) {
      LocalDateTime l = (LocalDateTime) x;
      t.setSafe(r, micros(l.toInstant(java.time.ZoneOffset.UTC)));
    } else {
      throw new IllegalStateException(v.getClass().getName());
    }
  }

  private static boolean toBoolean(Object x) {
    return x instanceof Boolean b ? b : Boolean.parseBoolean(x.toString());
  }
}
