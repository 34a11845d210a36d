package io.libra.jdbc;

import java.math.BigDecimal;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reads the values of one column (or one nested child) of the current record batch straight from
 * its Arrow vector's buffers. {@link #bind} points it at the batch's vector (done once per batch,
 * with the buffer addresses taken then); every read takes a row index within that batch whose
 * value the caller has checked is not null ({@link #isNull}).
 *
 * <p>{@link #object} is what {@code ResultSet.getObject} returns (the class
 * {@link JdbcTypes#className} names), {@link #nested} what stands for the value inside an array,
 * map or struct (the same, except that arrays are {@code java.util.List}), {@link #temporal} the
 * java.time value of dates, times and timestamps, {@link #string} the {@code getString} text. The
 * primitive reads ({@link #longValue}, {@link #doubleValue}, {@link #decimal}) let the common
 * getters skip boxing. Readers are made by {@link ArrowReaders#of}.
 *
 * <p>{@link #kind} names the final class of the hottest readers so the result set can call them
 * through a switch instead of one megamorphic virtual call per value.
 */
abstract class ColumnReader {
  /** {@link #kind} of readers reached through the virtual methods only. */
  static final int OTHER = 0;
  /** {@link #kind} of {@link ArrowReaders.BigIntReader} (signed 64-bit integers). */
  static final int BIGINT = 1;
  /** {@link #kind} of {@link ArrowReaders.IntReader} (signed 32-bit integers). */
  static final int INT = 2;
  /** {@link #kind} of {@link ArrowReaders.DoubleReader} (64-bit floating point). */
  static final int DOUBLE = 3;
  /** {@link #kind} of {@link ArrowReaders.DecimalReader} (decimal128). */
  static final int DECIMAL = 4;
  /** {@link #kind} of {@link ArrowReaders.DateDayReader} (date32). */
  static final int DATE = 5;
  /** {@link #kind} of {@link ArrowReaders.Utf8Reader} (utf8). */
  static final int STRING = 6;

  final int kind;
  final Field field;
  protected FieldVector vector;
  /** Whether the bound batch has no null in this column: no validity bit is read. */
  private boolean noNulls;
  /** Whether nulls are asked of the vector (vectors without a validity buffer: Null, unions). */
  private boolean askVector;
  private long validity;

  ColumnReader(Field field, int kind) {
    this.field = field;
    this.kind = kind;
  }

  /** Points the reader at this batch's vector of its column (and its children at theirs). */
  final void bind(FieldVector v) {
    vector = v;
    askVector = false;
    try {
      noNulls = v.getNullCount() == 0;
      if (!noNulls) {
        ArrowReaders.need(v.getValidityBuffer(), (v.getValueCount() + 7L) / 8, field);
        validity = v.getValidityBufferAddress();
      }
    } catch (UnsupportedOperationException e) {
      askVector = true;
    }
    bound(v);
  }

  /** Takes what the reader needs of a newly bound vector (buffer addresses, children). */
  protected void bound(FieldVector v) {}

  /** Whether {@code row} is NULL: its validity bit, read from the buffer. */
  final boolean isNull(int row) {
    if (noNulls) {
      return false;
    }
    if (askVector) {
      return vector.isNull(row);
    }
    return ((MemoryUtil.getByte(validity + (row >> 3)) >> (row & 7)) & 1) == 0;
  }

  /** The getObject value of a non-null row. */
  abstract Object object(int row);

  /** The value inside an array, map or struct: {@link #object}, arrays as {@code List}. */
  Object nested(int row) {
    return object(row);
  }

  /**
   * The java.time value of a non-null row: LocalDate (dates), LocalTime (times), LocalDateTime
   * (timestamps without a zone), ZonedDateTime in the column's zone (timestamps with one); other
   * values as {@link #object}.
   */
  Object temporal(int row) {
    return object(row);
  }

  /** Text of a non-null row, as getString returns it ({@link ValueText}). */
  String string(int row) {
    return ValueText.of(object(row));
  }

  /** Whether {@link #longValue} reads this column without conversion (integer columns). */
  boolean integral() {
    return false;
  }

  /** The value as a long; only when {@link #integral()}. */
  long longValue(int row) {
    throw new UnsupportedOperationException(field.toString());
  }

  /** Whether {@link #doubleValue} reads this column without conversion (float columns). */
  boolean floating() {
    return false;
  }

  /** The value as a double; only when {@link #floating()}. */
  double doubleValue(int row) {
    throw new UnsupportedOperationException(field.toString());
  }

  /** The value as a BigDecimal, or null when the column is not a decimal one. */
  BigDecimal decimal(int row) {
    return null;
  }
}
