package io.libra.it;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;

/** Canonical text of values as seen through JDBC and in Spark, so the two can be compared exactly. */
final class Values {
  private Values() {}

  static List<List<String>> jdbcRows(ResultSet rs) throws Exception {
    ResultSetMetaData md = rs.getMetaData();
    List<List<String>> rows = new ArrayList<>();
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        row.add(canonical(rs.getObject(i)));
      }
      rows.add(row);
    }
    return rows;
  }

  static List<List<String>> sparkRows(List<Row> collected) {
    List<List<String>> rows = new ArrayList<>();
    for (Row r : collected) {
      List<String> row = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        row.add(canonical(r.get(i)));
      }
      rows.add(row);
    }
    return rows;
  }

  static String canonical(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof BigDecimal d) {
      return "dec:" + d.toString();
    }
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return "int:" + ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return "dbl:" + Double.toString(f.doubleValue());
    }
    if (v instanceof Double d) {
      return "dbl:" + d;
    }
    if (v instanceof java.sql.Date d) {
      return "date:" + d.toLocalDate();
    }
    if (v instanceof java.time.LocalDate d) {
      return "date:" + d;
    }
    if (v instanceof byte[] b) {
      return "bin:" + HexFormat.of().formatHex(b);
    }
    if (v instanceof Boolean b) {
      return "bool:" + b;
    }
    return "str:" + v;
  }
}
