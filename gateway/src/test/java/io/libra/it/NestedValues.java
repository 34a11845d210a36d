package io.libra.it;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Canonical text of one value of a given Spark type, from Spark ({@code Row.get}) and from a JDBC
 * ResultSet, so the two can be compared exactly.
 *
 * <p>Top-level values use JDBC's getters (timestamps as instants, timestamp_ntz as wall clocks,
 * intervals as {@link Period}/{@link Duration}). Inside arrays, maps and structs Libra's driver
 * hands back what a top-level column's getObject returns (java.sql.Date, java.sql.Timestamp of
 * the instant or, for timestamp_ntz, of the wall clock; nested arrays as Lists, structs as maps
 * of field name to value), written in the same form as top-level values; a struct's null fields
 * are left out on both sides.
 */
final class NestedValues {
  private NestedValues() {}

  static String spark(Object v, DataType t) {
    if (v == null) {
      return "NULL";
    }
    if (t instanceof TimestampType) {
      return "instant:" + ((Timestamp) v).toInstant();
    }
    if (t instanceof TimestampNTZType) {
      return "wall:" + v;
    }
    if (t instanceof DateType) {
      return "date:" + ((java.sql.Date) v).toLocalDate();
    }
    return nestedSpark(v, t);
  }

  static String jdbc(ResultSet rs, int column, DataType t) throws Exception {
    Object v;
    if (t instanceof TimestampType) {
      Timestamp ts = rs.getTimestamp(column);
      return ts == null ? "NULL" : "instant:" + ts.toInstant();
    }
    if (t instanceof TimestampNTZType) {
      Timestamp ts = rs.getTimestamp(column);
      return ts == null ? "NULL" : "wall:" + ts.toLocalDateTime();
    }
    if (t instanceof DateType) {
      java.sql.Date d = rs.getDate(column);
      return d == null ? "NULL" : "date:" + d.toLocalDate();
    }
    if (t instanceof ArrayType) {
      java.sql.Array a = rs.getArray(column);
      v = a == null ? null : a.getArray();
    } else {
      v = rs.getObject(column);
    }
    return v == null ? "NULL" : nestedJdbc(v, t);
  }

  private static String nestedSpark(Object v, DataType t) {
    if (v == null) {
      return "NULL";
    }
    if (t instanceof ArrayType a) {
      List<String> items = new ArrayList<>();
      for (Object o : CollectionConverters.asJava((scala.collection.Seq<?>) v)) {
        items.add(nestedSpark(o, a.elementType()));
      }
      return items.toString();
    }
    if (t instanceof MapType m) {
      Map<String, String> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : CollectionConverters.asJava((scala.collection.Map<?, ?>) v)
          .entrySet()) {
        out.put(nestedSpark(e.getKey(), m.keyType()), nestedSpark(e.getValue(), m.valueType()));
      }
      return out.toString();
    }
    if (t instanceof StructType s) {
      Row row = (Row) v;
      Map<String, String> out = new TreeMap<>();
      for (int i = 0; i < s.size(); i++) {
        StructField f = s.fields()[i];
        if (!row.isNullAt(i)) {
          out.put(f.name(), nestedSpark(row.get(i), f.dataType()));
        }
      }
      return out.toString();
    }
    if (t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType) {
      return spark(v, t);
    }
    return scalar(v);
  }

  private static String nestedJdbc(Object v, DataType t) throws Exception {
    if (v == null) {
      return "NULL";
    }
    if (t instanceof ArrayType a) {
      List<String> items = new ArrayList<>();
      Iterable<?> elements = v instanceof Object[] arr ? java.util.Arrays.asList(arr)
          : (Iterable<?>) v;
      for (Object o : elements) {
        items.add(nestedJdbc(o, a.elementType()));
      }
      return items.toString();
    }
    if (t instanceof MapType m) {
      Map<String, String> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        out.put(nestedJdbc(e.getKey(), m.keyType()), nestedJdbc(e.getValue(), m.valueType()));
      }
      return out.toString();
    }
    if (t instanceof StructType s) {
      Map<String, String> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        DataType ft = s.apply(e.getKey().toString()).dataType();
        if (e.getValue() != null) {
          out.put(e.getKey().toString(), nestedJdbc(e.getValue(), ft));
        }
      }
      return out.toString();
    }
    if (t instanceof DateType) {
      return "date:" + ((java.sql.Date) v).toLocalDate();
    }
    if (t instanceof TimestampType) {
      return "instant:" + ((Timestamp) v).toInstant();
    }
    if (t instanceof TimestampNTZType) {
      return "wall:" + ((Timestamp) v).toLocalDateTime();
    }
    return scalar(v);
  }

  private static String scalar(Object v) {
    if (v instanceof BigDecimal d) {
      return "dec:" + d.toPlainString();
    }
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return "int:" + ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return "dbl:" + f.doubleValue();
    }
    if (v instanceof Double d) {
      return "dbl:" + d;
    }
    if (v instanceof byte[] b) {
      return "bin:" + HexFormat.of().formatHex(b);
    }
    if (v instanceof Period p) {
      return "months:" + p.toTotalMonths();
    }
    if (v instanceof Duration d) {
      return "duration:" + d;
    }
    if (v instanceof LocalDate d) {
      return "date:" + d;
    }
    if (v instanceof Boolean b) {
      return "bool:" + b;
    }
    return "str:" + v;
  }
}
