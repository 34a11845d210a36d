package io.libra.jdbc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.ResultSet;
import java.time.LocalDate;
import org.apache.arrow.driver.jdbc.ArrowFlightJdbcCursor;
import org.apache.arrow.driver.jdbc.ArrowFlightJdbcVectorSchemaRootResultSet;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.FieldVector;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.IntVector;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.driver.jdbc.shaded.org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.arrow.driver.jdbc.shaded.org.apache.calcite.avatica.util.AbstractCursor;
import org.apache.arrow.driver.jdbc.shaded.org.apache.calcite.avatica.util.Cursor;

/**
 * Reads the values of common column types straight from the Arrow driver's current record batch,
 * instead of through its Avatica accessors — the same Java values the Arrow driver (18.x) returns,
 * with less work per value:
 *
 * <ul>
 *   <li>DECIMAL ({@code decimal128}): {@code BigDecimal.valueOf(unscaled, scale)} when the
 *       unscaled value fits a {@code long} (the Arrow driver copies, reverses and parses 16 bytes
 *       through {@code BigInteger} for every value);</li>
 *   <li>DATE ({@code date32}): the local midnight of the day in the JVM's zone, as the Arrow
 *       driver returns, computed once per distinct day ({@code Date.valueOf}) instead of through a
 *       new {@code Calendar} per value;</li>
 *   <li>VARCHAR ({@code utf8}): decoded from the batch's data buffer; BIGINT, INTEGER, DOUBLE:
 *       read and boxed directly.</li>
 * </ul>
 *
 * <p>Used for {@code getObject(column)} and {@code getBigDecimal(column)} (and {@code getString}
 * on VARCHAR). The current row and batch are read from the Arrow driver's result set and cursor
 * (its {@code vectorSchemaRoot} and {@code ArrowFlightJdbcCursor.currentRow}, by exactly typed
 * {@link VarHandle}s) once per move of the result set ({@link #moved}); when those cannot be read —
 * another driver version, before the first row, after the last, or once closed — every call goes
 * to the Arrow driver unchanged. A value read here
 * sets the cursor's {@code wasNull} flag as the Arrow driver's accessors do, so its
 * {@code wasNull()} stays right.
 */
final class ArrowValues {
  /** Returned when a value is not read here: ask the Arrow driver. */
  static final Object NOT_HANDLED = new Object();

  private static final VarHandle CURSOR;
  private static final VarHandle CLOSED;
  private static final VarHandle ROOT;
  private static final VarHandle CURRENT_ROW;
  private static final VarHandle ROW_COUNT;
  private static final VarHandle WAS_NULL;

  static {
    VarHandle cursor = null;
    VarHandle closed = null;
    VarHandle root = null;
    VarHandle currentRow = null;
    VarHandle rowCount = null;
    VarHandle wasNull = null;
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandles.Lookup avatica = MethodHandles.privateLookupIn(AvaticaResultSet.class, lookup);
      MethodHandles.Lookup arrow = MethodHandles.privateLookupIn(ArrowFlightJdbcCursor.class,
          lookup);
      closed = avatica.findVarHandle(AvaticaResultSet.class, "closed", boolean.class);
      root = MethodHandles.privateLookupIn(ArrowFlightJdbcVectorSchemaRootResultSet.class, lookup)
          .findVarHandle(ArrowFlightJdbcVectorSchemaRootResultSet.class, "vectorSchemaRoot",
              VectorSchemaRoot.class);
      currentRow = arrow.findVarHandle(ArrowFlightJdbcCursor.class, "currentRow", int.class);
      rowCount = arrow.findVarHandle(ArrowFlightJdbcCursor.class, "rowCount", int.class);
      wasNull = MethodHandles.privateLookupIn(AbstractCursor.class, lookup)
          .findVarHandle(AbstractCursor.class, "wasNull", boolean[].class);
      cursor = avatica.findVarHandle(AvaticaResultSet.class, "cursor", Cursor.class);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      cursor = null; // another driver version: every value through the Arrow driver
    }
    CURSOR = cursor;
    CLOSED = closed;
    ROOT = root;
    CURRENT_ROW = currentRow;
    ROW_COUNT = rowCount;
    WAS_NULL = wasNull;
  }

  private final AvaticaResultSet delegate;
  /** The cursor the readers were made for (the Arrow driver makes one per record batch). */
  private ArrowFlightJdbcCursor cursor;
  private Reader[] readers;
  /** The cursor's {@code wasNull} flag, which the Arrow driver's {@code wasNull()} answers. */
  private boolean[] wasNull;
  /** The current row in the cursor's batch, or -1: ask the Arrow driver. */
  private int row = -1;
  private final DateMillis dates = new DateMillis();
  /** Per column: the byte array VARCHAR readers copy their batch's data into, kept across batches. */
  private ByteCopy[] stringCopies = new ByteCopy[0];

  ArrowValues(ResultSet delegate) {
    this.delegate = CURSOR != null && delegate instanceof ArrowFlightJdbcVectorSchemaRootResultSet
        ? (AvaticaResultSet) delegate : null;
  }

  /**
   * After every move of the result set ({@code next()} and the rest): finds the current record
   * batch and row. Done once per row, not per value.
   */
  void moved() {
    row = -1;
    if (delegate == null || (boolean) CLOSED.get(delegate)) {
      return;
    }
    Cursor current = (Cursor) CURSOR.get(delegate);
    if (!(current instanceof ArrowFlightJdbcCursor arrow)) {
      return;
    }
    if (arrow != cursor) {
      cursor = arrow;
      wasNull = (boolean[]) WAS_NULL.get((AbstractCursor) arrow);
      readers = wasNull == null || wasNull.length == 0 ? null
          : readers((VectorSchemaRoot) ROOT.get(
              (ArrowFlightJdbcVectorSchemaRootResultSet) delegate));
    }
    int r = (int) CURRENT_ROW.get(arrow);
    if (readers != null && r >= 0 && r < (int) ROW_COUNT.get(arrow)) {
      row = r;
    }
  }

  /** {@code getObject(column)}: the value, or {@link #NOT_HANDLED}. */
  Object getObject(int column) {
    Reader r = reader(column);
    return r == null ? NOT_HANDLED : read(r);
  }

  /** {@code getBigDecimal(column)} of a DECIMAL column: the value, or {@link #NOT_HANDLED}. */
  Object getBigDecimal(int column) {
    Reader r = reader(column);
    return r instanceof DecimalReader ? read(r) : NOT_HANDLED;
  }

  /** {@code getString(column)} of a VARCHAR column: the value, or {@link #NOT_HANDLED}. */
  Object getString(int column) {
    Reader r = reader(column);
    return r instanceof StringReader ? read(r) : NOT_HANDLED;
  }

  private Object read(Reader r) {
    if (r.isNull(row)) {
      wasNull[0] = true;
      return null;
    }
    // A switch to final classes rather than one virtual call: a result of several column types
    // makes that call site megamorphic, and every value would pay for it.
    Object value = switch (r.kind) {
      case Reader.LONG -> ((LongReader) r).read(row);
      case Reader.INT -> ((IntReader) r).read(row);
      case Reader.DOUBLE -> ((DoubleReader) r).read(row);
      case Reader.DECIMAL -> ((DecimalReader) r).read(row);
      case Reader.DATE -> ((DateReader) r).read(row);
      default -> ((StringReader) r).read(row);
    };
    if (value != NOT_HANDLED) {
      wasNull[0] = false;
    }
    return value;
  }

  /** The column's reader on the current row, or null when the Arrow driver must answer. */
  private Reader reader(int column) {
    // Closed (also by its statement or connection): the Arrow driver reports it.
    if (row < 0 || column < 1 || column > readers.length || (boolean) CLOSED.get(delegate)) {
      return null;
    }
    return readers[column - 1];
  }

  private Reader[] readers(VectorSchemaRoot root) {
    if (root == null) {
      return null;
    }
    Reader[] out = new Reader[root.getFieldVectors().size()];
    if (stringCopies.length != out.length) {
      stringCopies = new ByteCopy[out.length];
    }
    for (int i = 0; i < out.length; i++) {
      FieldVector v = root.getVector(i);
      if (v instanceof DecimalVector d) {
        out[i] = new DecimalReader(d);
      } else if (v instanceof VarCharVector s) {
        if (stringCopies[i] == null) {
          stringCopies[i] = new ByteCopy();
        }
        out[i] = new StringReader(s, stringCopies[i]);
      } else if (v instanceof BigIntVector b) {
        out[i] = new LongReader(b);
      } else if (v instanceof IntVector n) {
        out[i] = new IntReader(n);
      } else if (v instanceof DateDayVector d) {
        out[i] = new DateReader(d, dates);
      } else if (v instanceof Float8Vector f) {
        out[i] = new DoubleReader(f);
      }
    }
    return out;
  }

  /**
   * Reads one non-null value of one column of one record batch, from the addresses of the batch's
   * Arrow buffers taken when the reader is made (the Arrow driver makes a new cursor, and this a
   * new reader, for every batch; rows are checked against the cursor's row count before any read).
   */
  private abstract static class Reader {
    static final int LONG = 0;
    static final int INT = 1;
    static final int DOUBLE = 2;
    static final int DECIMAL = 3;
    static final int DATE = 4;
    static final int STRING = 5;
    /** Which subclass this is: {@link ArrowValues#read} switches on it instead of a virtual call. */
    final int kind;
    /** Whether the batch has no NULL in this column: no validity bit is read. */
    private final boolean noNulls;
    private final long validity;
    final long data;

    Reader(FieldVector vector, int kind) {
      this.kind = kind;
      this.noNulls = vector.getNullCount() == 0;
      this.validity = vector.getValidityBufferAddress();
      this.data = vector.getDataBufferAddress();
    }

    final boolean isNull(int row) {
      return !noNulls && ((MemoryUtil.getByte(validity + (row >> 3)) >> (row & 7)) & 1) == 0;
    }
  }

  private static final class LongReader extends Reader {
    LongReader(BigIntVector v) {
      super(v, LONG);
    }

    Object read(int row) {
      return MemoryUtil.getLong(data + (long) row * 8);
    }
  }

  private static final class IntReader extends Reader {
    IntReader(IntVector v) {
      super(v, INT);
    }

    Object read(int row) {
      return MemoryUtil.getInt(data + (long) row * 4);
    }
  }

  private static final class DoubleReader extends Reader {
    DoubleReader(Float8Vector v) {
      super(v, DOUBLE);
    }

    Object read(int row) {
      return Double.longBitsToDouble(MemoryUtil.getLong(data + (long) row * 8));
    }
  }

  private static final class DecimalReader extends Reader {
    private final int scale;

    DecimalReader(DecimalVector v) {
      super(v, DECIMAL);
      this.scale = v.getScale();
    }

    Object read(int row) {
      long index = data + (long) row * DecimalVector.TYPE_WIDTH;
      long low = MemoryUtil.getLong(index);
      long high = MemoryUtil.getLong(index + 8);
      // Little-endian 128-bit two's complement: it fits a long when the high word is the sign.
      return high == (low >> 63) ? BigDecimal.valueOf(low, scale) : NOT_HANDLED;
    }
  }

  /**
   * Epoch day → the millis of its local midnight in the JVM's zone, as {@code Date.valueOf} gives
   * (the Arrow driver's DATE value), remembered for the days seen: building them is the costly part
   * of a DATE value. Kept per result set, so it assumes the JVM's default zone does not change
   * while one result set is read.
   */
  private static final class DateMillis {
    /** Slots, by day modulo: any 22 consecutive years of days without collisions. */
    private static final int SLOTS = 8192;
    private int[] days;
    private long[] millis;
    private boolean[] filled;

    long of(int day) {
      if (days == null) { // only result sets with DATE columns pay for the table
        days = new int[SLOTS];
        millis = new long[SLOTS];
        filled = new boolean[SLOTS];
      }
      int slot = day & (SLOTS - 1);
      if (!filled[slot] || days[slot] != day) {
        days[slot] = day;
        millis[slot] = Date.valueOf(LocalDate.ofEpochDay(day)).getTime();
        filled[slot] = true;
      }
      return millis[slot];
    }
  }

  private static final class DateReader extends Reader {
    private final DateMillis millis;

    DateReader(DateDayVector v, DateMillis millis) {
      super(v, DATE);
      this.millis = millis;
    }

    Object read(int row) {
      return new Date(millis.of(MemoryUtil.getInt(data + (long) row * 4)));
    }
  }

  /** A byte array reused across batches, grown to the largest copy asked of it. */
  private static final class ByteCopy {
    private byte[] bytes = new byte[0];

    /** @return an array holding {@code length} bytes copied from native {@code address} */
    byte[] copy(long address, int length) {
      if (bytes.length < length) {
        bytes = new byte[Math.max(length, bytes.length + (bytes.length >> 1))];
      }
      MemoryUtil.copyFromMemory(address, bytes, 0, length);
      return bytes;
    }
  }

  /**
   * Copies the batch's whole UTF-8 data buffer into a Java array on the first read (one copy per
   * batch instead of one per value), then decodes each value from it.
   */
  private static final class StringReader extends Reader {
    private final long offsets;
    private final int valueCount;
    private final ByteCopy copy;
    /** The batch's data bytes from the first value's offset, once copied; null before. */
    private byte[] bytes;
    private int first;

    StringReader(VarCharVector v, ByteCopy copy) {
      super(v, STRING);
      this.offsets = v.getOffsetBufferAddress();
      this.valueCount = v.getValueCount();
      this.copy = copy;
    }

    Object read(int row) {
      if (bytes == null) {
        first = MemoryUtil.getInt(offsets);
        bytes = copy.copy(data + first, MemoryUtil.getInt(offsets + (long) valueCount * 4) - first);
      }
      long at = offsets + (long) row * 4;
      int start = MemoryUtil.getInt(at);
      return new String(bytes, start - first, MemoryUtil.getInt(at + 4) - start,
          StandardCharsets.UTF_8);
    }
  }
}
