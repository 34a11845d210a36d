package io.libra.operation;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A statement analysed without being executed.
 *
 * @param sql the SQL text as received
 * @param kind query or update
 * @param schema the result schema of a query; empty for updates
 * @param parameterTypes the inferred type of each {@code ?} marker ({@link ParameterTypes}), in
 *     marker order; empty when the statement has none
 * @param boundRows parameter rows bound by DoPut (one execution per row), or empty
 */
public record AnalyzedStatement(String sql, StatementKind kind, StructType schema,
    List<DataType> parameterTypes, List<Object[]> boundRows) {

  public AnalyzedStatement(String sql, StatementKind kind, StructType schema) {
    this(sql, kind, schema, List.of(), List.of());
  }

  /** Number of {@code ?} markers. */
  public int parameterCount() {
    return parameterTypes.size();
  }

  /** A copy with these parameter rows bound. */
  public AnalyzedStatement bind(List<Object[]> rows) {
    return new AnalyzedStatement(sql, kind, schema, parameterTypes, List.copyOf(rows));
  }
}
