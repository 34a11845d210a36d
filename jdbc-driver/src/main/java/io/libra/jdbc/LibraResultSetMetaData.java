package io.libra.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Column descriptions of a result: from an Arrow schema (a Flight result, or a prepared
 * statement's dataset schema) through {@link JdbcTypes} and the Flight SQL column metadata
 * ({@code ARROW:FLIGHT:SQL:CATALOG_NAME}, {@code …SCHEMA_NAME}, {@code …TABLE_NAME},
 * {@code …IS_AUTO_INCREMENT}, {@code …IS_CASE_SENSITIVE}, {@code …IS_READ_ONLY},
 * {@code …IS_SEARCHABLE}; absent: empty names, not auto-increment, strings case-sensitive,
 * read-only, searchable), or from {@link ResultColumn}s. Label and name are the field's name;
 * nullability the Arrow field's ({@code columnNullable} when it is nullable, else
 * {@code columnNoNulls}); the class name is that of what {@code getObject} returns.
 */
final class LibraResultSetMetaData implements ResultSetMetaData {
  private record Column(String name, int type, String typeName, boolean nullable, int precision,
      int scale, int displaySize, String className, boolean signed, Map<String, String> meta) {}

  private final List<Column> columns;

  private LibraResultSetMetaData(List<Column> columns) {
    this.columns = columns;
  }

  /** From an Arrow schema: a Flight result's, or a prepared statement's dataset schema. */
  static LibraResultSetMetaData of(Schema schema) {
    List<Column> out = new ArrayList<>();
    for (Field f : schema.getFields()) {
      ArrowType t = f.getType();
      boolean signed = t instanceof ArrowType.Int i ? i.getIsSigned()
          : t instanceof ArrowType.FloatingPoint || t instanceof ArrowType.Decimal;
      out.add(new Column(f.getName(), JdbcTypes.sqlType(f), JdbcTypes.typeName(f),
          f.isNullable(), JdbcTypes.precision(f), JdbcTypes.scale(f), JdbcTypes.displaySize(f),
          JdbcTypes.className(f), signed, f.getMetadata() == null ? Map.of() : f.getMetadata()));
    }
    return new LibraResultSetMetaData(out);
  }

  /** From client-side columns ({@link RowsResultSet}): classes and sizes of their SQL types. */
  static LibraResultSetMetaData of(List<ResultColumn> columns) {
    List<Column> out = new ArrayList<>();
    for (ResultColumn c : columns) {
      Class<?> cls = switch (c.sqlType()) {
        case Types.TINYINT -> Byte.class;
        case Types.SMALLINT -> Short.class;
        case Types.INTEGER -> Integer.class;
        case Types.BIGINT -> Long.class;
        case Types.REAL -> Float.class;
        case Types.FLOAT, Types.DOUBLE -> Double.class;
        case Types.DECIMAL, Types.NUMERIC -> java.math.BigDecimal.class;
        case Types.BOOLEAN, Types.BIT -> Boolean.class;
        case Types.VARBINARY, Types.BINARY, Types.LONGVARBINARY -> byte[].class;
        case Types.DATE -> java.sql.Date.class;
        case Types.TIME -> java.sql.Time.class;
        case Types.TIMESTAMP -> java.sql.Timestamp.class;
        case Types.ARRAY -> java.sql.Array.class;
        case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR,
            Types.LONGNVARCHAR -> String.class;
        default -> Object.class;
      };
      int precision = switch (c.sqlType()) {
        case Types.TINYINT -> 3;
        case Types.SMALLINT -> 5;
        case Types.INTEGER -> 10;
        case Types.BIGINT -> 19;
        case Types.REAL -> 7;
        case Types.FLOAT, Types.DOUBLE -> 15;
        case Types.BOOLEAN, Types.BIT -> 1;
        case Types.DATE -> 10;
        case Types.TIMESTAMP -> 26;
        default -> 0;
      };
      boolean signed = Number.class.isAssignableFrom(cls);
      int display = precision == 0 ? 128 : precision + (signed ? 1 : 0);
      out.add(new Column(c.name(), c.sqlType(), c.typeName(), c.nullable(), precision, 0,
          display, cls.getName(), signed, Map.of()));
    }
    return new LibraResultSetMetaData(out);
  }

  private Column column(int i) throws SQLException {
    if (i < 1 || i > columns.size()) {
      throw new SQLException("column index " + i + " out of range 1.." + columns.size(),
          "07009");
    }
    return columns.get(i - 1);
  }

  private String meta(int i, String key) throws SQLException {
    return column(i).meta().get("ARROW:FLIGHT:SQL:" + key);
  }

  private boolean flag(int i, String key, boolean otherwise) throws SQLException {
    String v = meta(i, key);
    return v == null ? otherwise : v.equals("1") || v.equalsIgnoreCase("true");
  }

  @Override
  public int getColumnCount() {
    return columns.size();
  }

  @Override
  public boolean isAutoIncrement(int column) throws SQLException {
    return flag(column, "IS_AUTO_INCREMENT", false);
  }

  @Override
  public boolean isCaseSensitive(int column) throws SQLException {
    return flag(column, "IS_CASE_SENSITIVE", column(column).type() == Types.VARCHAR);
  }

  @Override
  public boolean isSearchable(int column) throws SQLException {
    return flag(column, "IS_SEARCHABLE", true);
  }

  @Override
  public boolean isCurrency(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public int isNullable(int column) throws SQLException {
    return column(column).nullable() ? columnNullable : columnNoNulls;
  }

  @Override
  public boolean isSigned(int column) throws SQLException {
    return column(column).signed();
  }

  @Override
  public int getColumnDisplaySize(int column) throws SQLException {
    return column(column).displaySize();
  }

  @Override
  public String getColumnLabel(int column) throws SQLException {
    return column(column).name();
  }

  @Override
  public String getColumnName(int column) throws SQLException {
    return column(column).name();
  }

  @Override
  public String getSchemaName(int column) throws SQLException {
    String v = meta(column, "SCHEMA_NAME");
    return v == null ? "" : v;
  }

  @Override
  public int getPrecision(int column) throws SQLException {
    return column(column).precision();
  }

  @Override
  public int getScale(int column) throws SQLException {
    return column(column).scale();
  }

  @Override
  public String getTableName(int column) throws SQLException {
    String v = meta(column, "TABLE_NAME");
    return v == null ? "" : v;
  }

  @Override
  public String getCatalogName(int column) throws SQLException {
    String v = meta(column, "CATALOG_NAME");
    return v == null ? "" : v;
  }

  @Override
  public int getColumnType(int column) throws SQLException {
    return column(column).type();
  }

  @Override
  public String getColumnTypeName(int column) throws SQLException {
    return column(column).typeName();
  }

  @Override
  public boolean isReadOnly(int column) throws SQLException {
    return flag(column, "IS_READ_ONLY", true);
  }

  @Override
  public boolean isWritable(int column) throws SQLException {
    return !isReadOnly(column);
  }

  @Override
  public boolean isDefinitelyWritable(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public String getColumnClassName(int column) throws SQLException {
    return column(column).className();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface.getName(), "HY000");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
