package io.libra.jdbc;

import java.sql.Types;
import java.util.Map;
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

  /** The {@link Types} constant of {@code f}. */
  static int sqlType(Field f) {
    ArrowType t = f.getType();
    return switch (t.getTypeID()) {
      case Int -> switch (((ArrowType.Int) t).getBitWidth()) {
        case 8 -> Types.TINYINT;
        case 16 -> Types.SMALLINT;
        case 32 -> Types.INTEGER;
        default -> Types.BIGINT;
      };
      case Bool -> Types.BOOLEAN;
      case FloatingPoint -> switch (((ArrowType.FloatingPoint) t).getPrecision()) {
        case DOUBLE -> Types.DOUBLE;
        default -> Types.REAL;
      };
      case Decimal -> Types.DECIMAL;
      case Utf8, LargeUtf8, Utf8View -> Types.VARCHAR;
      case Binary, LargeBinary, FixedSizeBinary, BinaryView -> Types.VARBINARY;
      case Date -> Types.DATE;
      case Time -> Types.TIME;
      case Timestamp -> Types.TIMESTAMP;
      case List, LargeList, FixedSizeList, ListView, LargeListView -> Types.ARRAY;
      case Struct -> Types.STRUCT;
      case Map -> Types.JAVA_OBJECT;
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
      case Int -> switch (((ArrowType.Int) t).getBitWidth()) {
        case 8 -> "TINYINT";
        case 16 -> "SMALLINT";
        case 32 -> "INT";
        default -> "BIGINT";
      };
      case Bool -> "BOOLEAN";
      case FloatingPoint -> ((ArrowType.FloatingPoint) t).getPrecision()
          == org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE ? "DOUBLE" : "FLOAT";
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
      case Interval -> ((ArrowType.Interval) t).getUnit()
          == org.apache.arrow.vector.types.IntervalUnit.YEAR_MONTH
          ? "INTERVAL YEAR TO MONTH" : "INTERVAL DAY TO SECOND";
      case Duration -> "INTERVAL DAY TO SECOND";
      case Null -> "VOID";
      default -> t.getTypeID().name().toUpperCase(java.util.Locale.ROOT);
    };
  }

  /** Precision: decimal digits, characters, or the type's fixed width in digits; 0 unknown. */
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
      case Int -> switch (((ArrowType.Int) t).getBitWidth()) {
        case 8 -> 3;
        case 16 -> 5;
        case 32 -> 10;
        default -> 19;
      };
      case Bool -> 1;
      case FloatingPoint -> sqlType(f) == Types.DOUBLE ? 15 : 7;
      case Decimal -> ((ArrowType.Decimal) t).getPrecision();
      case Date -> 10;
      case Time -> 15;
      case Timestamp -> 26;
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
      case Timestamp, Time -> 6;
      default -> 0;
    };
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
      case Types.DATE -> 10;
      case Types.TIME -> 15;
      case Types.TIMESTAMP -> 29;
      default -> 65_535;
    };
  }

  /** The class {@code ResultSet.getObject} returns for {@code f}. */
  static String className(Field f) {
    ArrowType t = f.getType();
    return switch (t.getTypeID()) {
      case Int -> switch (((ArrowType.Int) t).getBitWidth()) {
        case 8 -> Byte.class.getName();
        case 16 -> Short.class.getName();
        case 32 -> Integer.class.getName();
        default -> Long.class.getName();
      };
      case Bool -> Boolean.class.getName();
      case FloatingPoint -> sqlType(f) == Types.DOUBLE ? Double.class.getName()
          : Float.class.getName();
      case Decimal -> java.math.BigDecimal.class.getName();
      case Utf8, LargeUtf8, Utf8View -> String.class.getName();
      case Binary, LargeBinary, FixedSizeBinary, BinaryView -> byte[].class.getName();
      case Date -> java.sql.Date.class.getName();
      case Time -> java.sql.Time.class.getName();
      case Timestamp -> java.sql.Timestamp.class.getName();
      case List, LargeList, FixedSizeList, ListView, LargeListView -> java.sql.Array.class.getName();
      case Struct, Map -> Map.class.getName();
      case Interval -> ((ArrowType.Interval) t).getUnit()
          == org.apache.arrow.vector.types.IntervalUnit.YEAR_MONTH
          ? java.time.Period.class.getName() : java.time.Duration.class.getName();
      case Duration -> java.time.Duration.class.getName();
      default -> Object.class.getName();
    };
  }

  static String meta(Field f, String key) {
    Map<String, String> m = f.getMetadata();
    return m == null ? null : m.get(key);
  }
}
