package io.libra.operation;

import java.util.List;
import io.libra.results.ResultPartitions;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;

/**
 * The first step of a query statement ({@code GetFlightInfo} of {@code CommandStatementQuery} or
 * {@code CommandPreparedStatementQuery}): creates the statement, analyses it and leaves its ticket
 * (the statement id) in the session with the Dataset to stream and the schema the FlightInfo
 * promises. A DDL/DML statement sent as a query (ADBC's {@code execute()}) runs here, once per
 * parameter row, and its ticket streams an empty result with no columns. Also {@code GetSchema}.
 */
final class QueryPlanner {
  private final OperationRunner runner;
  private final SessionSql sql;
  private final JustPrepared justPrepared;
  private final UpdateRunner updates;
  private final java.util.function.Function<Dataset<Row>, ResultPartitions> split;

  /** @param split how a planned query's result is split into endpoints (runs no job) */
  QueryPlanner(OperationRunner runner, SessionSql sql, JustPrepared justPrepared,
      UpdateRunner updates, java.util.function.Function<Dataset<Row>, ResultPartitions> split) {
    this.split = split;
    this.runner = runner;
    this.sql = sql;
    this.justPrepared = justPrepared;
    this.updates = updates;
  }

  /** {@code GetSchema} of a statement: analysis only, as a statement of its own. */
  Schema schema(StatementContext ctx, String text) throws Exception {
    StatementText statementText = sql.classify(text);
    AnalyzedStatement statement = runner.run(ctx, text, () -> sql.analyze(ctx, statementText));
    return SessionSql.arrowSchema(ctx, statement.schema());
  }

  /**
   * An ad-hoc query: analysed and planned in the statement's first step.
   *
   * @param split whether its result may have several endpoints (not for {@code PollFlightInfo},
   *     whose result is computed ahead into one stream)
   */
  QueryTicket plan(StatementContext ctx, String text, boolean split) throws Exception {
    StatementText statementText = sql.classify(text);
    Operation op = runner.newStatement(ctx, text);
    StatementAnalyzer.Analysis analysis = runner.step(ctx, op,
        () -> sql.analyzeForExecution(ctx, statementText));
    return plan(ctx, op, analysis.statement(), analysis.dataset(), split);
  }

  /**
   * A new statement of a prepared one. Analysed again at each execution, so the plan sees the
   * tables as they are now — except the first execution right after the prepare
   * ({@link JustPrepared}; binding parameters registers a new handle, so a bound statement never
   * matches).
   */
  QueryTicket planPrepared(StatementContext ctx, String handle, boolean split) throws Exception {
    Dataset<Row> kept = justPrepared.take(ctx.session(), handle);
    AnalyzedStatement statement = ctx.session().prepared().get(handle);
    return plan(ctx, runner.newStatement(ctx, statement.sql()), statement, kept, split);
  }

  /** The rest of the first step; ends {@code op} when it fails. */
  private QueryTicket plan(StatementContext ctx, Operation op, AnalyzedStatement statement,
      Dataset<Row> analysed, boolean split) throws Exception {
    try {
      List<Object[]> rows = SessionSql.executions(statement, List.of());
      if (statement.kind() == StatementKind.UPDATE) {
        runner.step(ctx, op, () -> UpdateRunner.counted(op, updates.run(ctx, statement, rows)));
        op.ranEagerly();
        QueryTicket t = register(ctx, op, null, new Schema(List.of()), ResultPartitions.single());
        return new QueryTicket(t.ticketId(), t.schema(), true, op.updateCount());
      }
      Dataset<Row> query = analysed != null ? analysed
          : runner.step(ctx, op, () -> sql.query(ctx, statement, rows));
      if (query.logicalPlan() instanceof org.apache.spark.sql.catalyst.plans.logical.CommandResult) {
        op.ranEagerly(); // SET, SHOW, USE, DESCRIBE, …: ran as it was analysed, rows on the driver
      }
      // The promised schema comes from the analysed one (VARIANT keeps its TYPE_NAME); the stream
      // sends VARIANT as JSON text.
      Schema schema = SessionSql.arrowSchema(ctx, query.schema());
      Dataset<Row> dataset = !io.libra.results.VariantAsJson.hasVariant(query.schema()) ? query
          : runner.step(ctx, op, () -> io.libra.results.VariantAsJson.apply(query));
      ResultPartitions partitions = !split || op.isDoneEagerly() ? ResultPartitions.single()
          : runner.step(ctx, op, () -> this.split.apply(dataset));
      return register(ctx, op, dataset, schema, partitions);
    } catch (Throwable t) {
      OperationRunner.end(ctx.session(), op);
      throw t;
    }
  }

  private static QueryTicket register(StatementContext ctx, Operation op, Dataset<Row> dataset,
      Schema schema, ResultPartitions partitions) {
    String id = ctx.session().pending().register(
        new PendingQuery(ctx, op, dataset, schema, new EndpointReads(partitions)));
    return new QueryTicket(id, schema, false, -1, partitions.endpoints(), partitions.ordered(),
        ctx.session().handleTtl());
  }
}
