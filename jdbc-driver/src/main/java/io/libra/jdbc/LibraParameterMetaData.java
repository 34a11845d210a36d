package io.libra.jdbc;

import java.sql.ParameterMetaData;
import java.sql.SQLException;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Parameters of a prepared statement from the {@code parameter_schema} of Flight SQL's
 * {@code ActionCreatePreparedStatementResult} (one field per {@code ?} marker, typed as Spark
 * inferred it; all nullable, all IN).
 */
final class LibraParameterMetaData implements ParameterMetaData {
  private final List<Field> fields;

  LibraParameterMetaData(Schema parameters) {
    this.fields = parameters == null ? List.of() : parameters.getFields();
  }

  private Field field(int i) throws SQLException {
    if (i < 1 || i > fields.size()) {
      throw new SQLException("parameter index " + i + " out of range 1.." + fields.size(),
          "07009");
    }
    return fields.get(i - 1);
  }

  @Override
  public int getParameterCount() {
    return fields.size();
  }

  @Override
  public int isNullable(int param) throws SQLException {
    field(param);
    return parameterNullable;
  }

  @Override
  public boolean isSigned(int param) throws SQLException {
    int t = JdbcTypes.sqlType(field(param));
    return t == java.sql.Types.TINYINT || t == java.sql.Types.SMALLINT
        || t == java.sql.Types.INTEGER || t == java.sql.Types.BIGINT || t == java.sql.Types.REAL
        || t == java.sql.Types.DOUBLE || t == java.sql.Types.DECIMAL;
  }

  @Override
  public int getPrecision(int param) throws SQLException {
    return JdbcTypes.precision(field(param));
  }

  @Override
  public int getScale(int param) throws SQLException {
    return JdbcTypes.scale(field(param));
  }

  @Override
  public int getParameterType(int param) throws SQLException {
    return JdbcTypes.sqlType(field(param));
  }

  @Override
  public String getParameterTypeName(int param) throws SQLException {
    return JdbcTypes.typeName(field(param));
  }

  @Override
  public String getParameterClassName(int param) throws SQLException {
    return JdbcTypes.className(field(param));
  }

  @Override
  public int getParameterMode(int param) throws SQLException {
    field(param);
    return parameterModeIn;
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
