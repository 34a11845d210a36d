package io.libra.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A small Flight result read whole into Java values: the answers of Flight SQL's metadata
 * commands ({@code CommandGetTables}, {@code CommandGetSqlInfo}, …), read from every endpoint in
 * order and closed (their buffers go back to the connection's allocator). Values are Arrow's Java
 * values with strings as String ({@link ArrowReaders#nested}).
 */
final class FlightRows {
  private final Map<String, Integer> columns = new HashMap<>();
  final List<Object[]> rows = new ArrayList<>();

  private FlightRows() {}

  /** Reads {@code info}'s endpoints. */
  static FlightRows read(LibraConnection connection, FlightInfo info, CallOption[] options)
      throws SQLException {
    FlightRows out = new FlightRows();
    try {
      for (FlightEndpoint e : info.getEndpoints()) {
        try (FlightStream s = connection.stream(e, options)) {
          VectorSchemaRoot root = s.getRoot();
          if (out.columns.isEmpty()) {
            List<FieldVector> vs = root.getFieldVectors();
            for (int i = 0; i < vs.size(); i++) {
              out.columns.put(vs.get(i).getName(), i);
            }
          }
          while (s.next()) {
            List<FieldVector> vs = root.getFieldVectors();
            for (int r = 0; r < root.getRowCount(); r++) {
              Object[] row = new Object[vs.size()];
              for (int c = 0; c < row.length; c++) {
                row[c] = plain(ArrowReaders.nested(vs.get(c), r));
              }
              out.rows.add(row);
            }
          }
        }
      }
    } catch (RuntimeException e) {
      throw SqlErrors.from(e);
    } catch (Exception e) {
      throw SqlErrors.from(e);
    }
    return out;
  }

  private static Object plain(Object v) {
    if (v instanceof org.apache.arrow.vector.util.Text t) {
      return t.toString();
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(plain(o));
      }
      return out;
    }
    return v;
  }

  /** The value of column {@code name} in {@code row}, or null when there is no such column. */
  Object get(Object[] row, String name) {
    Integer i = columns.get(name);
    return i == null ? null : row[i];
  }

  String string(Object[] row, String name) {
    Object v = get(row, name);
    return v == null ? null : v.toString();
  }

  Integer integer(Object[] row, String name) {
    Object v = get(row, name);
    return v instanceof Number n ? n.intValue() : null;
  }

  Short shortValue(Object[] row, String name) {
    Object v = get(row, name);
    return v instanceof Number n ? n.shortValue() : null;
  }

  Boolean bool(Object[] row, String name) {
    Object v = get(row, name);
    return v instanceof Boolean b ? b : null;
  }
}
