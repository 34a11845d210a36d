package io.libra.jdbc;

import org.apache.arrow.vector.FieldVector;

/**
 * Reads one column of the current record batch straight from its Arrow vector. {@link #object}
 * is what {@code ResultSet.getObject} returns, {@link #temporal} the java.time value of dates and
 * timestamps; the primitive reads let the common getters skip boxing. Row indexes are within the
 * batch; callers check {@link #isNull} first.
 */
abstract class ColumnReader {
  protected FieldVector vector;

  /** Points the reader at this batch's vector of its column. */
  void bind(FieldVector v) {
    this.vector = v;
  }

  boolean isNull(int row) {
    return vector.isNull(row);
  }

  /** The getObject value of a non-null row. */
  abstract Object object(int row);

  /** The java.time value (LocalDate, Instant, LocalDateTime, LocalTime) or {@link #object}. */
  Object temporal(int row) {
    return object(row);
  }

  /** Text of a non-null row, as getString returns it. */
  String string(int row) {
    return AbstractResultSet.text(object(row));
  }

  /** Whether {@link #longValue} reads this column without conversion. */
  boolean integral() {
    return false;
  }

  /** The value as a long; only when {@link #integral()}. */
  long longValue(int row) {
    throw new UnsupportedOperationException();
  }

  /** Whether {@link #doubleValue} reads this column without conversion. */
  boolean floating() {
    return false;
  }

  /** The value as a double; only when {@link #floating()}. */
  double doubleValue(int row) {
    throw new UnsupportedOperationException();
  }
}
