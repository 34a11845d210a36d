package io.libra.operation;

import org.apache.spark.sql.types.StructType;

/**
 * A statement analysed without being executed.
 *
 * @param sql the SQL text as received
 * @param kind query or update
 * @param schema the result schema of a query; empty for updates
 */
public record AnalyzedStatement(String sql, StatementKind kind, StructType schema) {}
