package io.libra.operation;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A statement analysed without being executed.
 *
 * @param text the SQL text as received, and whether it is Spark SQL or a procedure call
 * @param kind query or update
 * @param schema the result schema of a query; empty for updates
 * @param parameterTypes the inferred type of each {@code ?} marker ({@link ParameterTypes}), in
 *     marker order; empty when the statement has none
 * @param boundRows parameter rows bound by DoPut (one execution per row), or empty
 */
public record AnalyzedStatement(StatementText text, StatementKind kind, StructType schema,
    List<DataType> parameterTypes, List<Object[]> boundRows) {

  /** The SQL text as received. */
  public String sql() {
    return text.sql();
  }

  /** Number of {@code ?} markers. */
  public int parameterCount() {
    return parameterTypes.size();
  }

  /** A copy with these parameter rows bound. */
  public AnalyzedStatement bind(List<Object[]> rows) {
    return new AnalyzedStatement(text, kind, schema, parameterTypes, List.copyOf(rows));
  }
}
