package io.libra.operation;

import io.libra.procedures.LibraProcedures;

/**
 * What a client statement's SQL text is, decided once when the statement arrives: Spark SQL,
 * analysed and run by the session's SparkSession, or a Libra procedure call
 * ({@code CALL libra.*}), answered by {@link LibraProcedures}.
 */
public sealed interface StatementText permits StatementText.Spark, StatementText.Procedure {
  /** The text as the client sent it. */
  String sql();

  /** Spark SQL (queries, DDL, DML, commands). */
  record Spark(String sql) implements StatementText {}

  /** {@code CALL libra.<procedure>(…)}. */
  record Procedure(String sql) implements StatementText {}

  /** Classifies {@code sql} ({@link LibraProcedures#handles}). */
  static StatementText of(String sql, LibraProcedures procedures) {
    return procedures.handles(sql) ? new Procedure(sql) : new Spark(sql);
  }
}
