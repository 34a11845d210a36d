package io.libra.operation;

import java.util.List;

/**
 * Runs DDL and DML statements ({@code DoPut(CommandStatementUpdate)},
 * {@code DoPut(CommandPreparedStatementUpdate)}, and updates sent as queries): once per parameter
 * row, answering the sum of the update counts ({@link UpdateCounts#UNKNOWN} if any is unknown).
 * After every write the other sessions' cached table relations are dropped ({@code afterWrite}).
 */
final class UpdateRunner {
  private final OperationRunner runner;
  private final SessionSql sql;
  private final Runnable afterWrite;

  UpdateRunner(OperationRunner runner, SessionSql sql, Runnable afterWrite) {
    this.runner = runner;
    this.sql = sql;
    this.afterWrite = afterWrite;
  }

  /** Analyses and runs {@code text} as one statement; its update count. */
  long execute(StatementContext ctx, String text) throws Exception {
    StatementText statementText = sql.classify(text);
    Operation op = runner.newStatement(ctx, text);
    return runner.execute(ctx, op, () -> counted(op, run(ctx, sql.analyze(ctx, statementText),
        List.<Object[]>of(new Object[0]))));
  }

  /** Runs a prepared statement with the parameter rows sent (or bound before). */
  long executePrepared(StatementContext ctx, String handle, List<Object[]> rows)
      throws Exception {
    AnalyzedStatement statement = ctx.session().prepared().get(handle);
    SessionSql.checkWidth(statement, rows);
    List<Object[]> executions = SessionSql.executions(statement, rows);
    Operation op = runner.newStatement(ctx, statement.sql());
    return runner.execute(ctx, op, () -> counted(op, run(ctx, statement, executions)));
  }

  /** Notes {@code count} as the statement's update count (its history row) and returns it. */
  static long counted(Operation op, long count) {
    op.setUpdateCount(count);
    return count;
  }

  /**
   * Inside a step: runs the statement once per row; other sessions' table caches are dropped once
   * afterwards, also when a later row fails after earlier ones wrote.
   */
  long run(StatementContext ctx, AnalyzedStatement statement, List<Object[]> rows)
      throws Exception {
    try {
      long total = 0;
      for (Object[] args : rows) {
        long n = sql.update(ctx, statement, args);
        total = (n < 0 || total < 0) ? UpdateCounts.UNKNOWN : total + n;
      }
      return total;
    } finally {
      afterWrite.run();
    }
  }
}
