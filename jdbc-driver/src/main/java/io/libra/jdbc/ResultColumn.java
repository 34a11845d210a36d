package io.libra.jdbc;

/**
 * One column of a result set built on the client ({@link RowsResultSet}): metadata results
 * reshaped to JDBC's column sets, and results with no rows.
 *
 * @param name the column label JDBC users look up (e.g. {@code TABLE_CAT})
 * @param sqlType a {@link java.sql.Types} constant; the rows' values are of its usual Java class
 *     (VARCHAR String, INTEGER Integer, SMALLINT Short, BIGINT Long, BOOLEAN Boolean, …)
 * @param typeName the type's name as {@code ResultSetMetaData.getColumnTypeName} reports it
 * @param nullable whether values may be null
 */
record ResultColumn(String name, int sqlType, String typeName, boolean nullable) {}
