package io.libra.jdbc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntervalDayVector;
import org.apache.arrow.vector.IntervalYearVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;

/**
 * The {@link ColumnReader} of each Arrow type. Top-level values: integers Byte/Short/Integer/Long,
 * BOOLEAN Boolean, REAL Float, DOUBLE Double, DECIMAL BigDecimal (one that fits a long is
 * {@code BigDecimal.valueOf(unscaled, scale)}), strings String, binary byte[], DATE
 * {@code java.sql.Date.valueOf(localDate)}, TIMESTAMP with a zone the instant
 * ({@code Timestamp.from}; getString the wall clock in the column's zone), TIMESTAMP without a
 * zone (Spark's TIMESTAMP_NTZ) its wall clock ({@code Timestamp.valueOf}), year-month intervals a
 * normalised {@link Period}, day-time intervals and durations a {@link Duration}, lists a
 * {@link LibraArray}, maps a {@link LinkedHashMap}, structs a map of field name to value without
 * its null fields. Inside lists, maps and structs values are Arrow's own Java values (dates as
 * epoch days, timestamps with a zone as epoch units, strings as String).
 */
final class ArrowReaders {
  private ArrowReaders() {}

  /** The reader of {@code field}'s column. */
  static ColumnReader of(Field field) {
    ArrowType t = field.getType();
    return switch (t.getTypeID()) {
      case Int -> new IntReader();
      case Bool -> new ColumnReader() {
        @Override
        Object object(int row) {
          return ((BitVector) vector).get(row) != 0;
        }
      };
      case FloatingPoint -> t.equals(new ArrowType.FloatingPoint(
          org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)) ? new DoubleReader()
          : new FloatReader();
      case Decimal -> new DecimalReader(((ArrowType.Decimal) t).getScale(),
          ((ArrowType.Decimal) t).getBitWidth());
      case Utf8, LargeUtf8 -> new StringReader();
      case Binary, LargeBinary -> new ColumnReader() {
        @Override
        Object object(int row) {
          return ((BaseVariableWidthVector) vector).get(row);
        }
      };
      case Date -> new DateReader(((ArrowType.Date) t).getUnit()
          == org.apache.arrow.vector.types.DateUnit.DAY);
      case Timestamp -> new TimestampReader((ArrowType.Timestamp) t);
      case Interval -> ((ArrowType.Interval) t).getUnit()
          == org.apache.arrow.vector.types.IntervalUnit.YEAR_MONTH ? new ColumnReader() {
            @Override
            Object object(int row) {
              return Period.ofMonths(((IntervalYearVector) vector).get(row)).normalized();
            }
          } : ((ArrowType.Interval) t).getUnit()
          == org.apache.arrow.vector.types.IntervalUnit.DAY_TIME ? new ColumnReader() {
            @Override
            Object object(int row) {
              return ((IntervalDayVector) vector).getObject(row);
            }
          } : new ColumnReader() {
            @Override
            Object object(int row) {
              return vector.getObject(row);
            }
          };
      case Duration -> new ColumnReader() {
        @Override
        Object object(int row) {
          return ((DurationVector) vector).getObject(row);
        }
      };
      case List, LargeList, FixedSizeList -> new ColumnReader() {
        @Override
        Object object(int row) {
          List<?> items = (List<?>) nested(vector, row);
          Field element = vector.getField().getChildren().get(0);
          return new LibraArray(element, items.toArray());
        }
      };
      case Map, Struct -> new ColumnReader() {
        @Override
        Object object(int row) {
          return nested(vector, row);
        }
      };
      default -> new ColumnReader() {
        @Override
        Object object(int row) {
          return nested(vector, row);
        }
      };
    };
  }

  /**
   * A nested value in Arrow's Java form: lists as {@code List}, maps as {@code LinkedHashMap},
   * structs as maps without null fields, strings as String, other leaves {@code getObject}.
   */
  static Object nested(ValueVector v, int i) {
    if (v.isNull(i)) {
      return null;
    }
    if (v instanceof MapVector m) {
      StructVector entries = (StructVector) m.getDataVector();
      ValueVector k = entries.getChildByOrdinal(0);
      ValueVector val = entries.getChildByOrdinal(1);
      Map<Object, Object> out = new LinkedHashMap<>();
      int end = m.getOffsetBuffer().getInt((long) (i + 1) * 4);
      for (int j = m.getOffsetBuffer().getInt((long) i * 4); j < end; j++) {
        out.put(nested(k, j), nested(val, j));
      }
      return out;
    }
    if (v instanceof ListVector l) {
      int end = l.getOffsetBuffer().getInt((long) (i + 1) * 4);
      List<Object> out = new ArrayList<>();
      for (int j = l.getOffsetBuffer().getInt((long) i * 4); j < end; j++) {
        out.add(nested(l.getDataVector(), j));
      }
      return out;
    }
    if (v instanceof LargeListVector l) {
      long end = l.getOffsetBuffer().getLong((long) (i + 1) * 8);
      List<Object> out = new ArrayList<>();
      for (long j = l.getOffsetBuffer().getLong((long) i * 8); j < end; j++) {
        out.add(nested(l.getDataVector(), (int) j));
      }
      return out;
    }
    if (v instanceof FixedSizeListVector l) {
      int w = l.getListSize();
      List<Object> out = new ArrayList<>(w);
      for (int j = i * w; j < (i + 1) * w; j++) {
        out.add(nested(l.getDataVector(), j));
      }
      return out;
    }
    if (v instanceof StructVector s) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (FieldVector c : s.getChildrenFromFields()) {
        Object x = nested(c, i);
        if (x != null) {
          out.put(c.getName(), x);
        }
      }
      return out;
    }
    Object o = v.getObject(i);
    return o instanceof Text t ? t.toString() : o;
  }

  private static final class IntReader extends ColumnReader {
    private int width;

    @Override
    void bind(FieldVector v) {
      super.bind(v);
      width = ((ArrowType.Int) v.getField().getType()).getBitWidth();
    }

    @Override
    boolean integral() {
      return true;
    }

    @Override
    long longValue(int row) {
      ArrowBuf b = vector.getDataBuffer();
      return switch (width) {
        case 8 -> b.getByte(row);
        case 16 -> b.getShort((long) row * 2);
        case 32 -> b.getInt((long) row * 4);
        default -> b.getLong((long) row * 8);
      };
    }

    @Override
    Object object(int row) {
      long x = longValue(row);
      return switch (width) {
        case 8 -> (byte) x;
        case 16 -> (short) x;
        case 32 -> (int) x;
        default -> x;
      };
    }

    @Override
    String string(int row) {
      return Long.toString(longValue(row));
    }
  }

  private static final class DoubleReader extends ColumnReader {
    @Override
    boolean floating() {
      return true;
    }

    @Override
    double doubleValue(int row) {
      return ((Float8Vector) vector).get(row);
    }

    @Override
    Object object(int row) {
      return doubleValue(row);
    }
  }

  private static final class FloatReader extends ColumnReader {
    @Override
    boolean floating() {
      return true;
    }

    @Override
    double doubleValue(int row) {
      return ((Float4Vector) vector).get(row);
    }

    @Override
    Object object(int row) {
      return ((Float4Vector) vector).get(row);
    }

    @Override
    String string(int row) {
      return Float.toString(((Float4Vector) vector).get(row));
    }
  }

  private static final class DecimalReader extends ColumnReader {
    private final int scale;
    private final int bits;

    DecimalReader(int scale, int bits) {
      this.scale = scale;
      this.bits = bits;
    }

    @Override
    Object object(int row) {
      if (bits == 128) {
        ArrowBuf b = vector.getDataBuffer();
        long low = b.getLong((long) row * 16);
        long high = b.getLong((long) row * 16 + 8);
        if (high == (low >> 63)) { // fits a long: no byte-reversed BigInteger
          return BigDecimal.valueOf(low, scale);
        }
        return ((DecimalVector) vector).getObject(row);
      }
      return vector.getObject(row);
    }

    @Override
    String string(int row) {
      return ((BigDecimal) object(row)).toPlainString();
    }
  }

  private static final class StringReader extends ColumnReader {
    @Override
    Object object(int row) {
      return new String(((BaseVariableWidthVector) vector).get(row), StandardCharsets.UTF_8);
    }

    @Override
    String string(int row) {
      return (String) object(row);
    }
  }

  private static final class DateReader extends ColumnReader {
    private final boolean days;

    DateReader(boolean days) {
      this.days = days;
    }

    private LocalDate local(int row) {
      return days ? LocalDate.ofEpochDay(((DateDayVector) vector).get(row))
          : LocalDate.ofEpochDay(Math.floorDiv(((DateMilliVector) vector).get(row), 86_400_000L));
    }

    @Override
    Object object(int row) {
      return Date.valueOf(local(row));
    }

    @Override
    Object temporal(int row) {
      return local(row);
    }

    @Override
    String string(int row) {
      return local(row).toString();
    }
  }

  private static final class TimestampReader extends ColumnReader {
    private final long perSecond;
    private final ZoneId zone;

    TimestampReader(ArrowType.Timestamp t) {
      perSecond = switch (t.getUnit()) {
        case SECOND -> 1;
        case MILLISECOND -> 1_000;
        case MICROSECOND -> 1_000_000;
        default -> 1_000_000_000;
      };
      zone = t.getTimezone() == null ? null : ZoneId.of(t.getTimezone());
    }

    private Instant instant(int row) {
      long v = ((TimeStampVector) vector).get(row);
      long sec = Math.floorDiv(v, perSecond);
      long frac = Math.floorMod(v, perSecond);
      return Instant.ofEpochSecond(sec, frac * (1_000_000_000L / perSecond));
    }

    @Override
    Object temporal(int row) {
      Instant i = instant(row);
      return zone == null ? LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(),
          ZoneOffset.UTC) : i;
    }

    @Override
    Object object(int row) {
      Object t = temporal(row);
      return t instanceof Instant i ? Timestamp.from(i) : Timestamp.valueOf((LocalDateTime) t);
    }

    @Override
    String string(int row) {
      Object t = temporal(row);
      LocalDateTime wall = t instanceof Instant i ? LocalDateTime.ofInstant(i, zone)
          : (LocalDateTime) t;
      return Timestamp.valueOf(wall).toString();
    }
  }
}
