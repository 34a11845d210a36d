package io.libra.jdbc;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A Spark ARRAY value ({@code ResultSet.getArray}, {@code getObject} of a list column): its
 * elements, read when the row was, as {@code Object[]} of the classes a top-level column of the
 * element type returns ({@link ArrowReaders}; nested arrays as {@code java.util.List}, maps and
 * structs as {@code Map}, NULL elements null); base type and its name from the Arrow element
 * field ({@link JdbcTypes}). {@link #getResultSet} has JDBC's two columns INDEX (1-based) and
 * VALUE. After {@link #free()} every method but {@code free} is SQLSTATE HY010.
 */
final class LibraArray implements Array {
  private final Field element;
  private Object[] items;

  LibraArray(Field element, Object[] items) {
    this.element = element;
    this.items = items;
  }

  private Object[] items() throws SQLException {
    if (items == null) {
      throw new SQLException("the array was freed", "HY010");
    }
    return items;
  }

  @Override
  public String getBaseTypeName() {
    return JdbcTypes.typeName(element);
  }

  @Override
  public int getBaseType() {
    return JdbcTypes.sqlType(element);
  }

  @Override
  public Object getArray() throws SQLException {
    return items().clone();
  }

  @Override
  public Object getArray(Map<String, Class<?>> map) throws SQLException {
    return getArray();
  }

  @Override
  public Object getArray(long index, int count) throws SQLException {
    Object[] a = items();
    if (index < 1 || count < 0 || index - 1 + count > a.length) {
      throw new SQLException("elements " + index + ".." + (index + count - 1) + " out of 1.."
          + a.length, "2202E");
    }
    return Arrays.copyOfRange(a, (int) index - 1, (int) index - 1 + count);
  }

  @Override
  public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
    return getArray(index, count);
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    return getResultSet(1, items().length);
  }

  @Override
  public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
    return getResultSet();
  }

  /** Rows of INDEX (BIGINT, 1-based) and VALUE, as JDBC specifies for {@code Array}. */
  @Override
  public ResultSet getResultSet(long index, int count) throws SQLException {
    Object[] part = (Object[]) getArray(index, count);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < part.length; i++) {
      rows.add(new Object[] {index + i, part[i]});
    }
    return RowsResultSet.create(null, List.of(new ResultColumn("INDEX", Types.BIGINT, "BIGINT",
        false), new ResultColumn("VALUE", getBaseType(), getBaseTypeName(), true)), rows);
  }

  @Override
  public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map)
      throws SQLException {
    return getResultSet(index, count);
  }

  @Override
  public void free() {
    items = null;
  }

  @Override
  public String toString() {
    return items == null ? "[]" : ValueText.of(items);
  }
}
