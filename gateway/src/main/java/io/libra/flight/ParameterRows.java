package io.libra.flight;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;

/**
 * Reads the parameter batches a client sends with DoPut for a prepared statement into rows of Java
 * values that {@code SparkSession.sql(sql, args)} turns into literals: strings, boxed numbers,
 * {@code BigDecimal}, booleans, {@code byte[]}, {@link LocalDate} for dates, {@link Instant} for
 * zoned timestamps and {@link LocalDateTime} for timestamps without zone; NULL stays null.
 */
final class ParameterRows {
  private ParameterRows() {}

  static List<Object[]> read(FlightStream stream) {
    List<Object[]> rows = new ArrayList<>();
    while (stream.next()) {
      VectorSchemaRoot root = stream.getRoot();
      List<FieldVector> vectors = root.getFieldVectors();
      for (int r = 0; r < root.getRowCount(); r++) {
        Object[] row = new Object[vectors.size()];
        for (int c = 0; c < vectors.size(); c++) {
          row[c] = value(vectors.get(c), r);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static Object value(FieldVector v, int i) {
    if (v.isNull(i)) {
      return null;
    }
    if (v instanceof DateDayVector d) {
      return LocalDate.ofEpochDay(d.get(i));
    }
    if (v instanceof DateMilliVector d) {
      return LocalDate.ofEpochDay(Math.floorDiv(d.get(i), 86_400_000L));
    }
    if (v instanceof TimeStampVector t && v.getField().getType() instanceof ArrowType.Timestamp ts) {
      long raw = t.get(i);
      long micros = switch (ts.getUnit()) {
        case SECOND -> TimeUnit.SECONDS.toMicros(raw);
        case MILLISECOND -> TimeUnit.MILLISECONDS.toMicros(raw);
        case MICROSECOND -> raw;
        case NANOSECOND -> Math.floorDiv(raw, 1000L);
      };
      Instant instant = Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L));
      return ts.getTimezone() == null ? LocalDateTime.ofEpochSecond(instant.getEpochSecond(),
          instant.getNano(), java.time.ZoneOffset.UTC) : instant;
    }
    Object o = v.getObject(i);
    if (o instanceof Text t) {
      return t.toString();
    }
    return o;
  }
}
