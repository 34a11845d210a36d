package io.libra.operation;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * {@code CreatePreparedStatement}, parameter binding and {@code ClosePreparedStatement}: a
 * prepared statement is analysed, never executed, and lives in its session's registry
 * ({@code ClientSession.prepared()}); another session's handle is not found there.
 */
final class PreparedStatements {
  private final OperationRunner runner;
  private final SessionSql sql;
  private final JustPrepared justPrepared;

  PreparedStatements(OperationRunner runner, SessionSql sql, JustPrepared justPrepared) {
    this.runner = runner;
    this.sql = sql;
    this.justPrepared = justPrepared;
  }

  /** Analyses {@code text} as a statement of its own and registers the result. */
  PreparedInfo prepare(StatementContext ctx, String text) throws Exception {
    StatementText statementText = sql.classify(text);
    Operation op = runner.newStatement(ctx, text);
    op.setKind("prepare");
    StatementAnalyzer.Analysis analysis = runner.execute(ctx, op,
        () -> sql.analyzeForExecution(ctx, statementText));
    AnalyzedStatement statement = analysis.statement();
    String handle = ctx.session().prepared().register(statement);
    justPrepared.remember(ctx.session(), handle, analysis.dataset());
    StructType params = new StructType();
    for (int i = 0; i < statement.parameterCount(); i++) {
      params = params.add("parameter_" + (i + 1), statement.parameterTypes().get(i), true);
    }
    return new PreparedInfo(handle, statement.kind(),
        SessionSql.arrowSchema(ctx, statement.schema()),
        io.libra.results.SparkArrowSchema.toArrowParameters(params, SessionSql.timeZone(ctx)));
  }

  /** The dataset schema {@link #prepare} answered for {@code handle} (empty for updates). */
  org.apache.arrow.vector.types.pojo.Schema schema(StatementContext ctx, String handle) {
    AnalyzedStatement statement = ctx.session().prepared().get(handle);
    return statement.kind() == StatementKind.QUERY
        ? SessionSql.arrowSchema(ctx, statement.schema())
        : new org.apache.arrow.vector.types.pojo.Schema(List.of());
  }

  /** A new handle for the statement with {@code rows} bound; the original stays unbound. */
  String bind(StatementContext ctx, String handle, List<Object[]> rows) {
    AnalyzedStatement statement = ctx.session().prepared().get(handle);
    SessionSql.checkWidth(statement, rows);
    return ctx.session().prepared().register(statement.bind(rows));
  }

  /** Idempotent within the session. */
  void close(StatementContext ctx, String handle) {
    ctx.session().prepared().close(handle);
  }
}
