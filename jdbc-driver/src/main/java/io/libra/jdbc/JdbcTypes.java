package io.libra.jdbc;

import java.math.BigDecimal;
import java.sql.Types;
import java.util.Map;
import org.apache.arrow.vector.PeriodDuration;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * How an Arrow field looks to JDBC: its {@link Types} code, type name, precision, scale, display
 * size and the class {@code getObject} returns. The type name, precision and scale come from the
 * Flight SQL column metadata ({@code ARROW:FLIGHT:SQL:TYPE_NAME}, {@code …PRECISION},
 * {@code …SCALE}, Flight SQL's {@code FlightSqlColumnMetadata}) when the gateway sent them, else
 * from the Arrow type. Timestamps with and without a zone are both {@code TIMESTAMP} (what BI tools
 * handle best); their type names differ (Spark's {@code TIMESTAMP} and {@code TIMESTAMP_NTZ}).
 */
final class JdbcTypes {
  static final String TYPE_NAME = "ARROW:FLIGHT:SQL:TYPE_NAME";
  static final String PRECISION = "ARROW:FLIGHT:SQL:PRECISION";
  static final String SCALE = "ARROW:FLIGHT:SQL:SCALE";

  private JdbcTypes() {}

  /**
   * The {@link Types} constant of {@code f}: Int 8/16/32/64 TINYINT/SMALLINT/INTEGER/BIGINT
   * (unsigned ones the next wider type, uint64 DECIMAL), Bool BOOLEAN, FloatingPoint HALF/SINGLE
   * REAL and DOUBLE DOUBLE, Decimal DECIMAL, Utf8/LargeUtf8/Utf8View VARCHAR, the binary types
   * VARBINARY, Date DATE, Time TIME, Timestamp TIMESTAMP with or without a zone, the list types
   * ARRAY, Map and Struct JAVA_OBJECT (their values are {@code java.util.Map}s, not
   * {@code java.sql.Struct}s), Null NULL, intervals, durations and the rest OTHER.
   */
  static int sqlType(Field f) {
    ArrowType t = f.getType();
    return switch (t.getTypeID()) {
      case Int -> {
        ArrowType.Int i = (ArrowType.Int) t;
        int bits = i.getIsSigned() ? i.getBitWidth() : i.getBitWidth() * 2;
        yield switch (bits) {
          case 8 -> Types.TINYINT;
          case 16 -> Types.SMALLINT;
          case 32 -> Types.INTEGER;
          case 64 -> Types.BIGINT;
          default -> Types.DECIMAL;
        };
      }
      case Bool -> Types.BOOLEAN;
      case FloatingPoint -> ((ArrowType.FloatingPoint) t).getPrecision()
          == FloatingPointPrecision.DOUBLE ? Types.DOUBLE : Types.REAL;
      case Decimal -> Types.DECIMAL;
      case Utf8, LargeUtf8, Utf8View -> Types.VARCHAR;
      case Binary, LargeBinary, FixedSizeBinary, BinaryView -> Types.VARBINARY;
      case Date -> Types.DATE;
      case Time -> Types.TIME;
      case Timestamp -> Types.TIMESTAMP;
      case List, LargeList, FixedSizeList, ListView, LargeListView -> Types.ARRAY;
      case Struct, Map -> Types.JAVA_OBJECT;
      case Null -> Types.NULL;
      default -> Types.OTHER;
    };
  }

  /** The type name: the gateway's (Spark's) when sent, else one derived from the Arrow type. */
  static String typeName(Field f) {
    String sent = meta(f, TYPE_NAME);
    if (sent != null) {
      return sent;
    }
    ArrowType t = f.getType();
    return switch (t.getTypeID()) {
      case Int -> {
        ArrowType.Int i = (ArrowType.Int) t;
        String name = switch (i.getBitWidth()) {
          case 8 -> "TINYINT";
          case 16 -> "SMALLINT";
          case 32 -> "INT";
          default -> "BIGINT";
        };
        yield i.getIsSigned() ? name : name + " UNSIGNED";
      }
      case Bool -> "BOOLEAN";
      case FloatingPoint -> ((ArrowType.FloatingPoint) t).getPrecision()
          == FloatingPointPrecision.DOUBLE ? "DOUBLE" : "FLOAT";
      case Decimal -> "DECIMAL";
      case Utf8, LargeUtf8, Utf8View -> "STRING";
      case Binary, LargeBinary, FixedSizeBinary, BinaryView -> "BINARY";
      case Date -> "DATE";
      case Time -> "TIME";
      case Timestamp -> ((ArrowType.Timestamp) t).getTimezone() == null ? "TIMESTAMP_NTZ"
          : "TIMESTAMP";
      case List, LargeList, FixedSizeList, ListView, LargeListView -> "ARRAY";
      case Struct -> "STRUCT";
      case Map -> "MAP";
      case Interval -> switch (((ArrowType.Interval) t).getUnit()) {
        case YEAR_MONTH -> "INTERVAL YEAR TO MONTH";
        case DAY_TIME -> "INTERVAL DAY TO SECOND";
        default -> "INTERVAL";
      };
      case Duration -> "INTERVAL DAY TO SECOND";
      case Null -> "VOID";
      default -> t.getTypeID().name().toUpperCase(java.util.Locale.ROOT);
    };
  }

  /**
   * Precision: decimal digits of numbers (and of decimals), characters of dates, times and
   * timestamps as text (19 plus the unit's fraction digits and point), bytes of fixed-size binary,
   * {@code Integer.MAX_VALUE} for strings and binary of unknown length; 0 when not applicable.
   */
  static int precision(Field f) {
    String sent = meta(f, PRECISION);
    if (sent != null) {
      try {
        return Integer.parseInt(sent);
      } catch (NumberFormatException e) {
        // derive below
      }
    }
    ArrowType t = f.getType();
    return switch (t.getTypeID()) {
      case Int -> switch (sqlType(f)) {
        case Types.TINYINT -> 3;
        case Types.SMALLINT -> 5;
        case Types.INTEGER -> 10;
        case Types.BIGINT -> 19;
        default -> 20;
      };
      case Bool -> 1;
      case FloatingPoint -> sqlType(f) == Types.DOUBLE ? 15 : 7;
      case Decimal -> ((ArrowType.Decimal) t).getPrecision();
      case Date -> 10;
      case Time -> 8 + point(fractionDigits(((ArrowType.Time) t).getUnit()));
      case Timestamp -> 19 + point(fractionDigits(((ArrowType.Timestamp) t).getUnit()));
      case FixedSizeBinary -> ((ArrowType.FixedSizeBinary) t).getByteWidth();
      case Utf8, LargeUtf8, Utf8View, Binary, LargeBinary, BinaryView -> Integer.MAX_VALUE;
      default -> 0;
    };
  }

  /** Scale: decimal digits after the point, fractional second digits; 0 otherwise. */
  static int scale(Field f) {
    String sent = meta(f, SCALE);
    if (sent != null) {
      try {
        return Integer.parseInt(sent);
      } catch (NumberFormatException e) {
        // derive below
      }
    }
    ArrowType t = f.getType();
    return switch (t.getTypeID()) {
      case Decimal -> ((ArrowType.Decimal) t).getScale();
      case Time -> fractionDigits(((ArrowType.Time) t).getUnit());
      case Timestamp -> fractionDigits(((ArrowType.Timestamp) t).getUnit());
      default -> 0;
    };
  }

  private static int fractionDigits(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 0;
      case MILLISECOND -> 3;
      case MICROSECOND -> 6;
      default -> 9;
    };
  }

  /** Digits plus the decimal point, none without digits. */
  private static int point(int digits) {
    return digits == 0 ? 0 : digits + 1;
  }

  /** Characters a value needs at most as text. */
  static int displaySize(Field f) {
    return switch (sqlType(f)) {
      case Types.BOOLEAN -> 5;
      case Types.TINYINT -> 4;
      case Types.SMALLINT -> 6;
      case Types.INTEGER -> 11;
      case Types.BIGINT -> 20;
      case Types.REAL -> 14;
      case Types.DOUBLE -> 24;
      case Types.DECIMAL -> precision(f) + 2;
      case Types.DATE, Types.TIME, Types.TIMESTAMP -> precision(f);
      default -> 65_535;
    };
  }

  /** The class {@code ResultSet.getObject} returns for {@code f} (see {@link ArrowReaders}). */
  static String className(Field f) {
    ArrowType t = f.getType();
    return switch (t.getTypeID()) {
      case Int -> switch (sqlType(f)) {
        case Types.TINYINT -> Byte.class.getName();
        case Types.SMALLINT -> Short.class.getName();
        case Types.INTEGER -> Integer.class.getName();
        case Types.BIGINT -> Long.class.getName();
        default -> BigDecimal.class.getName();
      };
      case Bool -> Boolean.class.getName();
      case FloatingPoint -> sqlType(f) == Types.DOUBLE ? Double.class.getName()
          : Float.class.getName();
      case Decimal -> BigDecimal.class.getName();
      case Utf8, LargeUtf8, Utf8View -> String.class.getName();
      case Binary, LargeBinary, FixedSizeBinary, BinaryView -> byte[].class.getName();
      case Date -> java.sql.Date.class.getName();
      case Time -> java.sql.Time.class.getName();
      case Timestamp -> java.sql.Timestamp.class.getName();
      case List, LargeList, FixedSizeList, ListView, LargeListView ->
          java.sql.Array.class.getName();
      case Struct, Map -> Map.class.getName();
      case Interval -> switch (((ArrowType.Interval) t).getUnit()) {
        case YEAR_MONTH -> java.time.Period.class.getName();
        case DAY_TIME -> java.time.Duration.class.getName();
        default -> PeriodDuration.class.getName();
      };
      case Duration -> java.time.Duration.class.getName();
      default -> Object.class.getName();
    };
  }

  static String meta(Field f, String key) {
    Map<String, String> m = f.getMetadata();
    return m == null ? null : m.get(key);
  }
}
