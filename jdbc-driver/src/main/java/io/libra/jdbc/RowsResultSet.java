package io.libra.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A result set over rows held on the client: DatabaseMetaData results reshaped to JDBC's column
 * sets (full columns even with no rows), array elements ({@link LibraArray#getResultSet}),
 * generated keys (none). Values are plain Java values of each column's
 * {@link ResultColumn#sqlType()} (String, Short, Integer, Long, Boolean, byte[], BigDecimal,
 * java.sql.Date/Timestamp, nested Lists and Maps …, null for NULL); the getters convert them as
 * {@link AbstractResultSet} describes (getInt of a Short, getString of anything, …).
 */
final class RowsResultSet extends AbstractResultSet {
  private final List<ResultColumn> columns;
  private final List<Object[]> rows;
  private final LibraResultSetMetaData metaData;
  private int index = -1;

  private RowsResultSet(Statement statement, List<ResultColumn> columns, List<Object[]> rows) {
    super(statement);
    this.columns = List.copyOf(columns);
    this.rows = rows;
    this.metaData = LibraResultSetMetaData.of(this.columns);
  }

  /**
   * @param statement what {@code getStatement()} answers (null for metadata and arrays)
   * @param rows one {@code Object[]} per row, {@code columns.size()} values each
   */
  static RowsResultSet create(Statement statement, List<ResultColumn> columns,
      List<Object[]> rows) {
    return new RowsResultSet(statement, columns, rows);
  }

  @Override
  protected int columnCount() {
    return columns.size();
  }

  @Override
  protected String label(int column) {
    return columns.get(column - 1).name();
  }

  @Override
  protected boolean advance() {
    if (index + 1 < rows.size()) {
      index++;
      return true;
    }
    index = rows.size();
    return false;
  }

  @Override
  protected boolean exhausted() {
    return index + 1 >= rows.size();
  }

  @Override
  protected Object value(int column) {
    return rows.get(index)[column - 1];
  }

  @Override
  protected void release() {
    // nothing held
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return metaData;
  }
}
