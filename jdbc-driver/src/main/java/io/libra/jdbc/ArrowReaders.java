package io.libra.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.PeriodDuration;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;

/**
 * The {@link ColumnReader} of each Arrow type, reading values from the batch's buffer addresses
 * ({@code MemoryUtil}, no per-value bounds check or vector dispatch; buffer sizes and offsets are
 * checked once per batch when the reader is bound, a batch that does not hold what its row count
 * and offsets claim is an {@link IllegalStateException}). What {@code getObject} returns:
 *
 * <ul>
 *   <li>Int 8/16/32/64: Byte, Short, Integer, Long; unsigned ones the next wider class (uint64:
 *       BigDecimal); Bool: Boolean; FloatingPoint HALF/SINGLE: Float, DOUBLE: Double;</li>
 *   <li>Decimal 128/256: BigDecimal of the type's scale (decimal128 values that fit a long as
 *       {@code BigDecimal.valueOf(unscaled, scale)}, no BigInteger);</li>
 *   <li>Utf8, LargeUtf8, Utf8View: String (decoded from one copy per batch of the data buffer);
 *       Binary, LargeBinary, FixedSizeBinary, BinaryView: byte[];</li>
 *   <li>Date DAY/MILLISECOND: {@code java.sql.Date.valueOf(localDate)} (the day, no zone shift;
 *       built once per distinct day); Time (any unit): {@code java.sql.Time} of the wall clock,
 *       to the millisecond (LocalTime via {@link ColumnReader#temporal}, to the nanosecond);</li>
 *   <li>Timestamp with a zone (Spark TIMESTAMP): {@code Timestamp} of the instant; text and
 *       java.time local values are the wall clock in the column's zone (a zone Java does not know
 *       reads as UTC). Timestamp without a zone (Spark TIMESTAMP_NTZ): {@code
 *       Timestamp.valueOf(wallClock)}. Any unit, to the nanosecond;</li>
 *   <li>Interval YEAR_MONTH: {@code Period.ofMonths(n).normalized()} (14 months is P1Y2M);
 *       DAY_TIME: Duration; MONTH_DAY_NANO: Arrow's {@link PeriodDuration} (a
 *       {@code java.time.temporal.TemporalAmount}); Duration (any unit): Duration;</li>
 *   <li>List, LargeList, FixedSizeList (and the view lists): a {@link LibraArray}; Map: a
 *       {@link LinkedHashMap} of key to value in entry order; Struct: a {@link LinkedHashMap} of
 *       every field name to its value (nulls included) in field order; Null: always NULL.</li>
 * </ul>
 *
 * <p>Inside arrays, maps and structs values are the same classes, except that arrays are
 * {@code java.util.List}s. Other Arrow types (unions, extension types, dictionary indexes) are
 * Arrow's own {@code getObject} value, text as String.
 */
final class ArrowReaders {
  private ArrowReaders() {}

  /** A new reader of {@code field}'s column (and of its children). */
  static ColumnReader of(Field field) {
    ArrowType t = field.getType();
    return switch (t.getTypeID()) {
      case Int -> integer(field, (ArrowType.Int) t);
      case Bool -> new BoolReader(field);
      case FloatingPoint -> switch (((ArrowType.FloatingPoint) t).getPrecision()) {
        case DOUBLE -> new DoubleReader(field);
        case SINGLE -> new FloatReader(field);
        default -> new HalfFloatReader(field);
      };
      case Decimal -> ((ArrowType.Decimal) t).getBitWidth() == 128 ? new DecimalReader(field)
          : new WideDecimalReader(field);
      case Utf8 -> new Utf8Reader(field);
      case LargeUtf8 -> new LargeUtf8Reader(field);
      case Binary -> new BinaryReader(field);
      case LargeBinary -> new LargeBinaryReader(field);
      case FixedSizeBinary -> new FixedBinaryReader(field);
      case Date -> ((ArrowType.Date) t).getUnit() == DateUnit.DAY ? new DateDayReader(field)
          : new DateMilliReader(field);
      case Time -> new TimeReader(field);
      case Timestamp -> new TimestampReader(field);
      case Interval -> switch (((ArrowType.Interval) t).getUnit()) {
        case YEAR_MONTH -> new YearMonthReader(field);
        case DAY_TIME -> new DayTimeReader(field);
        default -> new MonthDayNanoReader(field);
      };
      case Duration -> new DurationReader(field);
      case Null -> new NullReader(field);
      case List, LargeList, FixedSizeList -> new ListReader(field);
      case Map -> new MapReader(field);
      case Struct -> new StructReader(field);
      case ListView, LargeListView -> new GenericReader(field, true);
      default -> new GenericReader(field, false);
    };
  }

  private static ColumnReader integer(Field field, ArrowType.Int t) {
    if (t.getIsSigned()) {
      return switch (t.getBitWidth()) {
        case 64 -> new BigIntReader(field);
        case 32 -> new IntReader(field);
        default -> new SmallIntReader(field, t.getBitWidth(), true);
      };
    }
    return t.getBitWidth() == 64 ? new UInt64Reader(field)
        : new SmallIntReader(field, t.getBitWidth(), false);
  }

  /** Throws unless {@code buffer} holds {@code bytes} bytes. */
  static void need(ArrowBuf buffer, long bytes, Field field) {
    if (bytes > 0 && (buffer == null || buffer.capacity() < bytes)) {
      throw new IllegalStateException("malformed record batch: column " + field.getName()
          + " needs " + bytes + " bytes, its buffer holds "
          + (buffer == null ? 0 : buffer.capacity()));
    }
  }

  private static IllegalStateException badOffsets(Field field) {
    return new IllegalStateException("malformed record batch: column " + field.getName()
        + " has offsets outside its data");
  }

  /** A reader of a fixed-width column: the data address, checked for {@code width} per row. */
  private abstract static class FixedReader extends ColumnReader {
    private final int width;
    protected long data;

    FixedReader(Field field, int kind, int width) {
      super(field, kind);
      this.width = width;
    }

    @Override
    protected void bound(FieldVector v) {
      need(v.getDataBuffer(), (long) v.getValueCount() * width, field);
      data = v.getDataBufferAddress();
    }
  }

  // ---- integers ----

  static final class BigIntReader extends FixedReader {
    BigIntReader(Field field) {
      super(field, BIGINT, 8);
    }

    long read(int row) {
      return MemoryUtil.getLong(data + ((long) row << 3));
    }

    @Override
    Object object(int row) {
      return read(row);
    }

    @Override
    String string(int row) {
      return Long.toString(read(row));
    }

    @Override
    boolean integral() {
      return true;
    }

    @Override
    long longValue(int row) {
      return read(row);
    }
  }

  static final class IntReader extends FixedReader {
    IntReader(Field field) {
      super(field, INT, 4);
    }

    int read(int row) {
      return MemoryUtil.getInt(data + ((long) row << 2));
    }

    @Override
    Object object(int row) {
      return read(row);
    }

    @Override
    String string(int row) {
      return Integer.toString(read(row));
    }

    @Override
    boolean integral() {
      return true;
    }

    @Override
    long longValue(int row) {
      return read(row);
    }
  }

  /** Int 8/16 signed (Byte, Short), unsigned 8/16/32 (Short, Integer, Long). */
  private static final class SmallIntReader extends FixedReader {
    private final int bits;
    private final boolean signed;

    SmallIntReader(Field field, int bits, boolean signed) {
      super(field, OTHER, bits / 8);
      this.bits = bits;
      this.signed = signed;
    }

    @Override
    long longValue(int row) {
      return switch (bits) {
        case 8 -> signed ? MemoryUtil.getByte(data + row)
            : Byte.toUnsignedLong(MemoryUtil.getByte(data + row));
        case 16 -> signed ? MemoryUtil.getShort(data + ((long) row << 1))
            : Short.toUnsignedLong(MemoryUtil.getShort(data + ((long) row << 1)));
        default -> Integer.toUnsignedLong(MemoryUtil.getInt(data + ((long) row << 2)));
      };
    }

    @Override
    Object object(int row) {
      long v = longValue(row);
      if (signed) {
        return bits == 8 ? (Object) (byte) v : (Object) (short) v;
      }
      return switch (bits) {
        case 8 -> (short) v;
        case 16 -> (int) v;
        default -> v;
      };
    }

    @Override
    String string(int row) {
      return Long.toString(longValue(row));
    }

    @Override
    boolean integral() {
      return true;
    }
  }

  /** Unsigned 64-bit integers: BigDecimal (they may not fit a long). */
  private static final class UInt64Reader extends FixedReader {
    UInt64Reader(Field field) {
      super(field, OTHER, 8);
    }

    @Override
    BigDecimal decimal(int row) {
      long v = MemoryUtil.getLong(data + ((long) row << 3));
      return v >= 0 ? BigDecimal.valueOf(v) : new BigDecimal(new BigInteger(
          Long.toUnsignedString(v)));
    }

    @Override
    Object object(int row) {
      return decimal(row);
    }
  }

  // ---- booleans and floating point ----

  private static final class BoolReader extends ColumnReader {
    private long data;

    BoolReader(Field field) {
      super(field, OTHER);
    }

    @Override
    protected void bound(FieldVector v) {
      need(v.getDataBuffer(), (v.getValueCount() + 7L) / 8, field);
      data = v.getDataBufferAddress();
    }

    @Override
    Object object(int row) {
      return ((MemoryUtil.getByte(data + (row >> 3)) >> (row & 7)) & 1) != 0;
    }
  }

  static final class DoubleReader extends FixedReader {
    DoubleReader(Field field) {
      super(field, DOUBLE, 8);
    }

    double read(int row) {
      return Double.longBitsToDouble(MemoryUtil.getLong(data + ((long) row << 3)));
    }

    @Override
    Object object(int row) {
      return read(row);
    }

    @Override
    boolean floating() {
      return true;
    }

    @Override
    double doubleValue(int row) {
      return read(row);
    }
  }

  private static final class FloatReader extends FixedReader {
    FloatReader(Field field) {
      super(field, OTHER, 4);
    }

    private float read(int row) {
      return Float.intBitsToFloat(MemoryUtil.getInt(data + ((long) row << 2)));
    }

    @Override
    Object object(int row) {
      return read(row);
    }

    @Override
    boolean floating() {
      return true;
    }

    @Override
    double doubleValue(int row) {
      return read(row);
    }
  }

  private static final class HalfFloatReader extends FixedReader {
    HalfFloatReader(Field field) {
      super(field, OTHER, 2);
    }

    @Override
    Object object(int row) {
      return ((Float2Vector) vector).getValueAsFloat(row);
    }

    @Override
    boolean floating() {
      return true;
    }

    @Override
    double doubleValue(int row) {
      return ((Float2Vector) vector).getValueAsFloat(row);
    }
  }

  // ---- decimals ----

  static final class DecimalReader extends FixedReader {
    private final int scale;

    DecimalReader(Field field) {
      super(field, ColumnReader.DECIMAL, 16);
      this.scale = ((ArrowType.Decimal) field.getType()).getScale();
    }

    BigDecimal read(int row) {
      long at = data + ((long) row << 4);
      long low = MemoryUtil.getLong(at);
      long high = MemoryUtil.getLong(at + 8);
      // Little-endian 128-bit two's complement: it fits a long when the high word is the sign.
      if (high == (low >> 63)) {
        return BigDecimal.valueOf(low, scale);
      }
      byte[] big = new byte[16];
      for (int i = 0; i < 8; i++) {
        big[i] = (byte) (high >>> (56 - 8 * i));
        big[8 + i] = (byte) (low >>> (56 - 8 * i));
      }
      return new BigDecimal(new BigInteger(big), scale);
    }

    @Override
    Object object(int row) {
      return read(row);
    }

    @Override
    BigDecimal decimal(int row) {
      return read(row);
    }

    @Override
    String string(int row) {
      return read(row).toPlainString();
    }
  }

  /** decimal256 (and any other width Arrow reads): Arrow's own BigDecimal. */
  private static final class WideDecimalReader extends ColumnReader {
    WideDecimalReader(Field field) {
      super(field, OTHER);
    }

    @Override
    BigDecimal decimal(int row) {
      return (BigDecimal) vector.getObject(row);
    }

    @Override
    Object object(int row) {
      return decimal(row);
    }
  }

  // ---- strings and binary ----

  /**
   * Variable-width values: offsets (4 or 8 bytes) into the data buffer, which is copied whole into
   * a Java array (kept across batches) on the first read of a batch, so a value is one
   * array-to-String decode; the copied range is checked against the buffer, each value's range
   * against the array.
   */
  private abstract static class VariableReader extends ColumnReader {
    private final boolean large;
    private long offsets;
    private long data;
    private long dataCapacity;
    private int valueCount;
    private byte[] copy = new byte[0];
    /** Whether {@link #copy} holds this batch's data. */
    private boolean copied;
    private long first;

    VariableReader(Field field, int kind, boolean large) {
      super(field, kind);
      this.large = large;
    }

    @Override
    protected void bound(FieldVector v) {
      valueCount = v.getValueCount();
      copied = false;
      if (valueCount == 0) {
        return;
      }
      need(v.getOffsetBuffer(), (valueCount + 1L) * (large ? 8 : 4), field);
      offsets = v.getOffsetBufferAddress();
      data = v.getDataBufferAddress();
      dataCapacity = v.getDataBuffer().capacity();
    }

    private long offset(int i) {
      return large ? MemoryUtil.getLong(offsets + ((long) i << 3))
          : MemoryUtil.getInt(offsets + ((long) i << 2));
    }

    /** This batch's data from the first value's offset, copied on the first call. */
    private byte[] bytes() {
      if (!copied) {
        first = offset(0);
        long last = offset(valueCount);
        if (first < 0 || last < first || last > dataCapacity
            || last - first > Integer.MAX_VALUE - 8) {
          throw badOffsets(field);
        }
        int n = (int) (last - first);
        if (copy.length < n) {
          copy = new byte[Math.max(n, copy.length + (copy.length >> 1))];
        }
        MemoryUtil.copyFromMemory(data + first, copy, 0, n);
        copied = true;
      }
      return copy;
    }

    protected final String text(int row) {
      byte[] b = bytes();
      long s = offset(row);
      return new String(b, (int) (s - first), (int) (offset(row + 1) - s),
          StandardCharsets.UTF_8);
    }

    protected final byte[] binary(int row) {
      byte[] b = bytes();
      long s = offset(row) - first;
      long e = offset(row + 1) - first;
      return Arrays.copyOfRange(b, (int) s, (int) e);
    }
  }

  static final class Utf8Reader extends VariableReader {
    Utf8Reader(Field field) {
      super(field, STRING, false);
    }

    String read(int row) {
      return text(row);
    }

    @Override
    Object object(int row) {
      return text(row);
    }

    @Override
    String string(int row) {
      return text(row);
    }
  }

  private static final class LargeUtf8Reader extends VariableReader {
    LargeUtf8Reader(Field field) {
      super(field, OTHER, true);
    }

    @Override
    Object object(int row) {
      return text(row);
    }

    @Override
    String string(int row) {
      return text(row);
    }
  }

  private static final class BinaryReader extends VariableReader {
    BinaryReader(Field field) {
      super(field, OTHER, false);
    }

    @Override
    Object object(int row) {
      return binary(row);
    }
  }

  private static final class LargeBinaryReader extends VariableReader {
    LargeBinaryReader(Field field) {
      super(field, OTHER, true);
    }

    @Override
    Object object(int row) {
      return binary(row);
    }
  }

  private static final class FixedBinaryReader extends FixedReader {
    private final int width;

    FixedBinaryReader(Field field) {
      super(field, OTHER, ((ArrowType.FixedSizeBinary) field.getType()).getByteWidth());
      this.width = ((ArrowType.FixedSizeBinary) field.getType()).getByteWidth();
    }

    @Override
    Object object(int row) {
      byte[] out = new byte[width];
      MemoryUtil.copyFromMemory(data + (long) row * width, out, 0, width);
      return out;
    }
  }

  // ---- dates and times ----

  /**
   * Epoch day → the {@code java.sql.Date} millis of that day ({@code Date.valueOf}: local midnight
   * in the JVM's zone), remembered by day in 8,192 slots (any 22 consecutive years without
   * collisions): building them is the costly part of a DATE value. Assumes the JVM's default zone
   * does not change while one result set is read.
   */
  private static final class DayMillis {
    private static final int SLOTS = 8192;
    private int[] days;
    private long[] millis;
    private boolean[] filled;

    long of(int day) {
      if (days == null) { // only columns read pay for the table
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

  static final class DateDayReader extends FixedReader {
    private final DayMillis millis = new DayMillis();

    DateDayReader(Field field) {
      super(field, DATE, 4);
    }

    private int day(int row) {
      return MemoryUtil.getInt(data + ((long) row << 2));
    }

    Date read(int row) {
      return new Date(millis.of(day(row)));
    }

    @Override
    Object object(int row) {
      return read(row);
    }

    @Override
    Object temporal(int row) {
      return LocalDate.ofEpochDay(day(row));
    }

    @Override
    String string(int row) {
      return LocalDate.ofEpochDay(day(row)).toString();
    }
  }

  private static final class DateMilliReader extends FixedReader {
    DateMilliReader(Field field) {
      super(field, OTHER, 8);
    }

    private LocalDate local(int row) {
      return LocalDate.ofEpochDay(Math.floorDiv(MemoryUtil.getLong(data + ((long) row << 3)),
          86_400_000L));
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

  /** Nanoseconds in one unit of {@code unit}. */
  private static long nanosPer(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 1_000_000_000L;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      default -> 1L;
    };
  }

  /** Time32 (seconds, milliseconds) and Time64 (microseconds, nanoseconds) since midnight. */
  private static final class TimeReader extends FixedReader {
    private final boolean wide;
    private final long nanosPer;

    TimeReader(Field field) {
      super(field, OTHER, ((ArrowType.Time) field.getType()).getBitWidth() / 8);
      ArrowType.Time t = (ArrowType.Time) field.getType();
      wide = t.getBitWidth() == 64;
      nanosPer = nanosPer(t.getUnit());
    }

    private LocalTime local(int row) {
      long v = wide ? MemoryUtil.getLong(data + ((long) row << 3))
          : MemoryUtil.getInt(data + ((long) row << 2));
      return LocalTime.ofNanoOfDay(Math.floorMod(v * nanosPer, 86_400_000_000_000L));
    }

    @Override
    Object object(int row) {
      LocalTime t = local(row);
      Time out = Time.valueOf(t);
      out.setTime(out.getTime() + t.getNano() / 1_000_000);
      return out;
    }

    @Override
    Object temporal(int row) {
      return local(row);
    }

    @Override
    String string(int row) {
      return ValueText.time(local(row));
    }
  }

  /**
   * Timestamps of any unit: with a zone an instant ({@code Timestamp} of it; temporal a
   * ZonedDateTime in the column's zone), without one a wall clock ({@code Timestamp.valueOf};
   * temporal a LocalDateTime).
   */
  private static final class TimestampReader extends FixedReader {
    private final long perSecond;
    private final long nanosPer;
    /** The column's zone, null for a wall-clock (zone-less) column. */
    private final ZoneId zone;

    TimestampReader(Field field) {
      super(field, OTHER, 8);
      ArrowType.Timestamp t = (ArrowType.Timestamp) field.getType();
      nanosPer = nanosPer(t.getUnit());
      perSecond = 1_000_000_000L / nanosPer;
      zone = t.getTimezone() == null ? null : zoneOf(t.getTimezone());
    }

    private static ZoneId zoneOf(String name) {
      try {
        return ZoneId.of(name);
      } catch (DateTimeException e) {
        return ZoneOffset.UTC; // the instant stays exact; only wall clocks are in UTC
      }
    }

    private long raw(int row) {
      return MemoryUtil.getLong(data + ((long) row << 3));
    }

    private long seconds(long v) {
      return Math.floorDiv(v, perSecond);
    }

    private int nanos(long v) {
      return (int) (Math.floorMod(v, perSecond) * nanosPer);
    }

    /** The wall clock: in the column's zone, or the zone-less value itself. */
    private LocalDateTime wall(long v) {
      long s = seconds(v);
      int n = nanos(v);
      ZoneOffset offset = zone == null ? ZoneOffset.UTC
          : zone.getRules().getOffset(java.time.Instant.ofEpochSecond(s, n));
      return LocalDateTime.ofEpochSecond(s, n, offset);
    }

    @Override
    Object object(int row) {
      long v = raw(row);
      if (zone == null) {
        return Timestamp.valueOf(wall(v));
      }
      Timestamp out = new Timestamp(Math.multiplyExact(seconds(v), 1000L));
      out.setNanos(nanos(v));
      return out;
    }

    @Override
    Object temporal(int row) {
      long v = raw(row);
      return zone == null ? wall(v)
          : ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(seconds(v), nanos(v)), zone);
    }

    @Override
    String string(int row) {
      return ValueText.wallClock(wall(raw(row)));
    }
  }

  // ---- intervals ----

  private static final class YearMonthReader extends FixedReader {
    YearMonthReader(Field field) {
      super(field, OTHER, 4);
    }

    @Override
    Object object(int row) {
      return Period.ofMonths(MemoryUtil.getInt(data + ((long) row << 2))).normalized();
    }
  }

  private static final class DayTimeReader extends FixedReader {
    DayTimeReader(Field field) {
      super(field, OTHER, 8);
    }

    @Override
    Object object(int row) {
      long at = data + ((long) row << 3);
      return Duration.ofDays(MemoryUtil.getInt(at)).plusMillis(MemoryUtil.getInt(at + 4));
    }
  }

  private static final class MonthDayNanoReader extends FixedReader {
    MonthDayNanoReader(Field field) {
      super(field, OTHER, 16);
    }

    @Override
    Object object(int row) {
      long at = data + ((long) row << 4);
      return new PeriodDuration(Period.of(0, MemoryUtil.getInt(at), MemoryUtil.getInt(at + 4))
          .normalized(), Duration.ofNanos(MemoryUtil.getLong(at + 8)));
    }
  }

  private static final class DurationReader extends FixedReader {
    private final ChronoUnit unit;

    DurationReader(Field field) {
      super(field, OTHER, 8);
      unit = switch (((ArrowType.Duration) field.getType()).getUnit()) {
        case SECOND -> ChronoUnit.SECONDS;
        case MILLISECOND -> ChronoUnit.MILLIS;
        case MICROSECOND -> ChronoUnit.MICROS;
        default -> ChronoUnit.NANOS;
      };
    }

    @Override
    Object object(int row) {
      return Duration.of(MemoryUtil.getLong(data + ((long) row << 3)), unit);
    }
  }

  private static final class NullReader extends ColumnReader {
    NullReader(Field field) {
      super(field, OTHER);
    }

    @Override
    Object object(int row) {
      return null;
    }
  }

  // ---- nested ----

  /** List, LargeList, FixedSizeList: a LibraArray at the top, a List inside. */
  private static final class ListReader extends ColumnReader {
    private final ArrowType.ArrowTypeID type;
    private final Field elementField;
    private final ColumnReader element;
    private long offsets;
    private int listSize;

    ListReader(Field field) {
      super(field, OTHER);
      type = field.getType().getTypeID();
      elementField = field.getChildren().get(0);
      element = of(elementField);
    }

    @Override
    protected void bound(FieldVector v) {
      FieldVector data;
      int n = v.getValueCount();
      if (v instanceof FixedSizeListVector f) {
        listSize = f.getListSize();
        data = f.getDataVector();
        if ((long) n * listSize > data.getValueCount()) {
          throw badOffsets(field);
        }
      } else {
        boolean large = v instanceof LargeListVector;
        data = large ? (FieldVector) ((LargeListVector) v).getDataVector()
            : ((ListVector) v).getDataVector();
        if (n > 0) {
          need(v.getOffsetBuffer(), (n + 1L) * (large ? 8 : 4), field);
          offsets = v.getOffsetBufferAddress();
          long count = data.getValueCount();
          for (int i = 0; i <= n; i++) {
            long o = large ? MemoryUtil.getLong(offsets + ((long) i << 3))
                : MemoryUtil.getInt(offsets + ((long) i << 2));
            if (o < 0 || o > count) {
              throw badOffsets(field);
            }
          }
        }
      }
      element.bind(data);
    }

    private long start(int row) {
      return switch (type) {
        case FixedSizeList -> (long) row * listSize;
        case LargeList -> MemoryUtil.getLong(offsets + ((long) row << 3));
        default -> MemoryUtil.getInt(offsets + ((long) row << 2));
      };
    }

    private Object[] items(int row) {
      long s = start(row);
      long e = start(row + 1);
      Object[] out = new Object[(int) Math.max(0, e - s)];
      for (int i = 0; i < out.length; i++) {
        int j = (int) (s + i);
        out[i] = element.isNull(j) ? null : element.nested(j);
      }
      return out;
    }

    @Override
    Object object(int row) {
      return new LibraArray(elementField, items(row));
    }

    @Override
    Object nested(int row) {
      return Arrays.asList(items(row));
    }
  }

  /** Map: key → value of the row's entries, in entry order. */
  private static final class MapReader extends ColumnReader {
    private final ColumnReader keys;
    private final ColumnReader values;
    private long offsets;

    MapReader(Field field) {
      super(field, OTHER);
      List<Field> entry = field.getChildren().get(0).getChildren();
      keys = of(entry.get(0));
      values = of(entry.get(1));
    }

    @Override
    protected void bound(FieldVector v) {
      StructVector entries = (StructVector) ((MapVector) v).getDataVector();
      int n = v.getValueCount();
      if (n > 0) {
        need(v.getOffsetBuffer(), (n + 1L) * 4, field);
        offsets = v.getOffsetBufferAddress();
        int count = entries.getValueCount();
        for (int i = 0; i <= n; i++) {
          int o = MemoryUtil.getInt(offsets + ((long) i << 2));
          if (o < 0 || o > count) {
            throw badOffsets(field);
          }
        }
      }
      keys.bind((FieldVector) entries.getChildByOrdinal(0));
      values.bind((FieldVector) entries.getChildByOrdinal(1));
    }

    @Override
    Object object(int row) {
      int s = MemoryUtil.getInt(offsets + ((long) row << 2));
      int e = MemoryUtil.getInt(offsets + ((long) (row + 1) << 2));
      Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, (e - s) * 4 / 3 + 1));
      for (int j = s; j < e; j++) {
        out.put(keys.isNull(j) ? null : keys.nested(j), values.isNull(j) ? null
            : values.nested(j));
      }
      return out;
    }
  }

  /** Struct: field name → value, every field, in field order. */
  private static final class StructReader extends ColumnReader {
    private final String[] names;
    private final ColumnReader[] children;

    StructReader(Field field) {
      super(field, OTHER);
      List<Field> fields = field.getChildren();
      names = new String[fields.size()];
      children = new ColumnReader[fields.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = fields.get(i).getName();
        children[i] = of(fields.get(i));
      }
    }

    @Override
    protected void bound(FieldVector v) {
      List<FieldVector> vs = ((StructVector) v).getChildrenFromFields();
      for (int i = 0; i < children.length; i++) {
        FieldVector c = vs.get(i);
        if (c.getValueCount() < v.getValueCount()) {
          throw badOffsets(field);
        }
        children[i].bind(c);
      }
    }

    @Override
    Object object(int row) {
      Map<String, Object> out = new LinkedHashMap<>(Math.max(4, names.length * 4 / 3 + 1));
      for (int i = 0; i < names.length; i++) {
        ColumnReader c = children[i];
        out.put(names[i], c.isNull(row) ? null : c.nested(row));
      }
      return out;
    }
  }

  /**
   * Types read through Arrow's {@code getObject} (unions, view types, extension types): Text as
   * String, Arrow's JSON lists and maps as plain ones; list views as a LibraArray at the top.
   */
  private static final class GenericReader extends ColumnReader {
    private final boolean list;

    GenericReader(Field field, boolean list) {
      super(field, OTHER);
      this.list = list;
    }

    @Override
    Object object(int row) {
      Object v = plain(vector.getObject(row));
      if (list && v instanceof List<?> items) {
        return new LibraArray(field.getChildren().get(0), items.toArray());
      }
      return v;
    }

    @Override
    Object nested(int row) {
      return plain(vector.getObject(row));
    }

    private static Object plain(Object v) {
      if (v instanceof Text t) {
        return t.toString();
      }
      if (v instanceof List<?> l) {
        List<Object> out = new ArrayList<>(l.size());
        for (Object o : l) {
          out.add(plain(o));
        }
        return out;
      }
      if (v instanceof Map<?, ?> m) {
        Map<Object, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(plain(k), plain(x)));
        return out;
      }
      return v;
    }
  }

  /**
   * A value of any vector in Arrow's Java form, for the small results of Flight SQL's metadata
   * commands ({@link FlightRows}), null for NULL: lists as {@code List}, maps as
   * {@code LinkedHashMap}, structs as maps without their null fields, strings as String, other
   * leaves Arrow's {@code getObject} (dates as epoch days, unsigned ints as the signed class of
   * their width). Not used for result sets: it reads through the vectors' checked accessors.
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
}
