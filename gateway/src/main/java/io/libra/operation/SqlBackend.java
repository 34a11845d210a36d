package io.libra.operation;

import io.libra.results.ArrowResultStream;
import io.libra.results.SparkArrowSchema;
import io.libra.session.ClientSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol-neutral statement backend: prepare, plan a query, execute an update, stream a result,
 * cancel. The Flight SQL handlers translate the wire to these calls.
 *
 * <p>Every piece of work that touches Spark is an {@link Operation} run by the
 * {@link OperationRunner} on the bounded statement executor, with the session's SparkSession active
 * and these Spark local properties on the submitting thread (restored afterwards): the pool
 * ({@code spark.scheduler.pool}), the operation's job tag, the job description (the SQL text) and
 * {@code spark.job.interruptOnCancel=true}. Spark propagates them to broadcast, subquery and
 * adaptive-execution jobs.
 *
 * <p>Each statement runs once: updates when executed, row-returning commands (SHOW, SET, ...) when
 * their FlightInfo is requested, plain queries when their ticket is read.
 */
public final class SqlBackend {
  private static final Logger LOG = LoggerFactory.getLogger(SqlBackend.class);

  private final OperationManager operations;
  private final java.util.Set<String> deniedFunctions;
  private final PreparedStatementRegistry prepared;
  private final PendingQueryRegistry pending;
  private final ArrowResultStream results;
  private final OperationRunner runner;
  private final Runnable afterWrite;
  private final JustPrepared justPrepared;
  private final io.libra.procedures.LibraProcedures procedures;

  public SqlBackend(OperationManager operations, ArrowResultStream results, Duration handleTtl) {
    this(operations, results, handleTtl, java.util.Set.of());
  }

  public SqlBackend(OperationManager operations, ArrowResultStream results, Duration handleTtl,
      java.util.Set<String> deniedFunctions) {
    this(operations, results, handleTtl, deniedFunctions,
        new io.libra.procedures.LibraProcedures(List.of()), () -> { }, () -> 0);
  }

  /**
   * @param deniedFunctions SQL functions refused in every statement (lower case)
   * @param procedures {@code CALL libra.*} statements, answered here instead of by Spark
   * @param afterWrite run after every DDL/DML statement (other sessions' table caches)
   * @param writeEpoch grows with every table write of any session ({@link JustPrepared})
   */
  public SqlBackend(OperationManager operations, ArrowResultStream results, Duration handleTtl,
      java.util.Set<String> deniedFunctions, io.libra.procedures.LibraProcedures procedures,
      Runnable afterWrite, java.util.function.LongSupplier writeEpoch) {
    this.procedures = procedures;
    this.afterWrite = afterWrite;
    this.justPrepared = new JustPrepared(writeEpoch);
    this.deniedFunctions = deniedFunctions;
    this.operations = operations;
    this.results = results;
    this.runner = new OperationRunner(operations);
    this.prepared = new PreparedStatementRegistry(handleTtl);
    this.pending = new PendingQueryRegistry(handleTtl);
  }

  /** {@code CreatePreparedStatement}: analyses, never executes. */
  public PreparedInfo prepare(StatementContext ctx, String sql) throws Exception {
    justPrepared.forget(ctx.session());
    StatementAnalyzer.Analysis analysis = run(ctx, sql, () -> procedures.handles(sql)
        ? new StatementAnalyzer.Analysis(analyze(ctx, sql), null)
        : StatementAnalyzer.analyzeForExecution(spark(ctx), sql, deniedFunctions));
    AnalyzedStatement statement = analysis.statement();
    String handle = prepared.register(statement);
    justPrepared.remember(ctx.session(), handle, analysis.dataset());
    StructType params = new StructType();
    for (int i = 0; i < statement.parameterCount(); i++) {
      params = params.add("parameter_" + (i + 1), statement.parameterTypes().get(i), true);
    }
    return new PreparedInfo(handle, statement.kind(), arrowSchema(ctx, statement.schema()),
        SparkArrowSchema.toArrowParameters(params,
            spark(ctx).sessionState().conf().sessionLocalTimeZone()));
  }

  /**
   * DoPut of parameter rows for a prepared query: returns a new handle for the statement with these
   * rows bound (the original handle stays unbound), as {@code DoPutPreparedStatementResult} allows.
   *
   * @throws IllegalArgumentException when a row's width differs from the number of markers
   */
  public String bind(String handle, List<Object[]> rows) {
    AnalyzedStatement statement = prepared.get(handle);
    checkWidth(statement, rows);
    return prepared.register(statement.bind(rows));
  }

  private static void checkWidth(AnalyzedStatement statement, List<Object[]> rows) {
    for (Object[] row : rows) {
      if (row.length != statement.parameterCount()) {
        throw new IllegalArgumentException("the statement has " + statement.parameterCount()
            + " parameter markers (?) but a parameter row has " + row.length + " values");
      }
    }
  }

  /** Prepared statements open now, over all sessions. */
  public long openPreparedStatements() {
    return prepared.open();
  }

  /** Query tickets handed out in a FlightInfo and not read by a DoGet yet, over all sessions. */
  public long unreadTickets() {
    return pending.unread();
  }

  /** {@code ClosePreparedStatement}: idempotent. */
  public void closePrepared(String handle) {
    prepared.close(handle);
  }

  /** {@code GetSchema} of a statement: analysis only. */
  public Schema schemaOf(StatementContext ctx, String sql) throws Exception {
    justPrepared.forget(ctx.session());
    AnalyzedStatement statement = run(ctx, sql, () -> analyze(ctx, sql));
    return arrowSchema(ctx, statement.schema());
  }

  /** {@code GetFlightInfo(CommandStatementQuery)}. */
  public QueryTicket planQuery(StatementContext ctx, String sql) throws Exception {
    justPrepared.forget(ctx.session());
    if (procedures.handles(sql)) {
      return plan(ctx, run(ctx, sql, () -> analyze(ctx, sql)), null);
    }
    StatementAnalyzer.Analysis analysis = run(ctx, sql,
        () -> StatementAnalyzer.analyzeForExecution(spark(ctx), sql, deniedFunctions));
    return plan(ctx, analysis.statement(), analysis.dataset());
  }

  /** {@code GetFlightInfo(CommandPreparedStatementQuery)}. */
  public QueryTicket planPreparedQuery(StatementContext ctx, String handle) throws Exception {
    // Analysed again at each execution, so the plan sees the tables as they are now — except the
    // first execution right after the prepare (JustPrepared).
    // (Binding parameters registers a new handle, so a bound statement never matches.)
    Dataset<Row> kept = justPrepared.take(ctx.session(), handle);
    return plan(ctx, prepared.get(handle), kept);
  }

  /** {@code DoPut(CommandStatementUpdate)}: runs the statement, returns its update count. */
  public long executeUpdate(StatementContext ctx, String sql) throws Exception {
    justPrepared.forget(ctx.session());
    return run(ctx, sql, () -> runUpdates(ctx, analyze(ctx, sql),
        List.<Object[]>of(new Object[0])));
  }

  /**
   * {@code DoPut(CommandPreparedStatementUpdate)}: one execution per parameter row (the sum of
   * their counts, or -1 if any is unknown); once when the statement has no markers.
   */
  public long executePreparedUpdate(StatementContext ctx, String handle, List<Object[]> rows)
      throws Exception {
    justPrepared.forget(ctx.session());
    AnalyzedStatement statement = prepared.get(handle);
    checkWidth(statement, rows);
    List<Object[]> executions = statement.parameterCount() == 0 ? List.<Object[]>of(new Object[0])
        : rows.isEmpty() ? statement.boundRows() : rows;
    requireBound(statement, executions);
    return run(ctx, statement.sql(), () -> runUpdates(ctx, statement, executions));
  }

  private static void requireBound(AnalyzedStatement statement, List<Object[]> rows) {
    if (statement.parameterCount() > 0 && rows.isEmpty()) {
      throw new IllegalArgumentException("the statement has " + statement.parameterCount()
          + " parameter markers (?) but no parameter values were bound");
    }
  }

  /**
   * {@code DoGet(TicketStatementQuery)}: streams the planned query, completing the listener.
   *
   * @throws HandleNotFoundException for an unknown or already read ticket
   * @throws CancellationException when the query was cancelled before or while streaming
   */
  public long stream(String ticketId, ServerStreamListener listener, CallCancellation call)
      throws Exception {
    PendingQuery query = pending.take(ticketId);
    Operation op = query.operation();
    // The DoGet call's cancellation, not the (finished) GetFlightInfo call's.
    StatementContext ctx = new StatementContext(query.context().session(),
        query.context().pool(), call);
    ClientSession session = ctx.session();
    try (BufferAllocator allocator = session.allocator().newChildAllocator(
        "stream-" + op.id(), 0, Long.MAX_VALUE)) {
      if (query.dataset() == null) {
        op.checkNotCancelled();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(query.arrowSchema(), allocator)) {
          listener.start(root);
          listener.completed();
        }
        close(op);
        return 0;
      }
      return execute(ctx, op, () -> {
        long t0 = System.nanoTime();
        long rows = results.stream(query.dataset(), query.arrowSchema(), allocator, listener,
            new ArrowResultStream.StreamControl() {
              @Override
              public void beforeJob() {
                op.checkNotCancelled();
              }

              @Override
              public void onClientCancel() {
                op.cancel("the client cancelled the stream");
              }

              @Override
              public void beforeComplete() {
                op.markDelivered();
              }

              @Override
              public void onResultMemory(long peakStoredBytes, long peakFetchedBytes) {
                op.recordResultMemory(peakStoredBytes, peakFetchedBytes);
              }
            });
        LOG.info("operation {} streamed {} rows in {} ms (result blocks stored at most {} bytes,"
            + " largest block fetched {} bytes)", op.id(), rows,
            (System.nanoTime() - t0) / 1_000_000, op.peakStoredBytes(), op.peakFetchedBytes());
        return rows;
      });
    }
  }

  /**
   * {@code CancelFlightInfo} / {@code CancelQuery}: cancels the query behind a ticket, whether it is
   * waiting for its DoGet or streaming.
   *
   * @return true if cancelled now, false if it had already ended
   * @throws HandleNotFoundException when no such operation is known
   */
  public boolean cancel(String ticketId) {
    Operation op = operations.find(ticketId);
    if (op == null) {
      throw new HandleNotFoundException("query", ticketId);
    }
    return op.cancel("cancelled by the client (CancelFlightInfo)");
  }

  /** @param analysed the Dataset analysed for this very call, or null to analyse here */
  private QueryTicket plan(StatementContext ctx, AnalyzedStatement statement,
      Dataset<Row> analysed) throws Exception {
    String sql = statement.sql();
    List<Object[]> rows = statement.parameterCount() == 0 ? List.<Object[]>of(new Object[0])
        : statement.boundRows();
    requireBound(statement, rows);
    Operation streamOp = newOperation(ctx, sql);
    if (statement.kind() == StatementKind.UPDATE) {
      // A DDL/DML statement sent as a query (ADBC's execute() does this): run it once per
      // parameter row now and answer with an empty result that has no columns.
      run(ctx, sql, () -> runUpdates(ctx, statement, rows));
      Schema empty = new Schema(List.of());
      return new QueryTicket(pending.register(new PendingQuery(ctx, streamOp, null, empty)), empty);
    }
    // Several parameter rows: one execution per row, results concatenated (UNION ALL).
    Dataset<Row> query = analysed != null ? analysed : procedures.handles(sql)
        ? run(ctx, sql, () -> callProcedure(ctx, sql)) : run(ctx, sql, () -> {
      Dataset<Row> all = null;
      for (Object[] args : rows) {
        Dataset<Row> one = args.length == 0 ? spark(ctx).sql(sql) : spark(ctx).sql(sql, args);
        all = all == null ? one : all.unionAll(one);
      }
      return all;
    });
    // The promised schema comes from the analysed one (VARIANT keeps its TYPE_NAME); the stream
    // sends VARIANT as JSON text.
    Schema schema = arrowSchema(ctx, query.schema());
    Dataset<Row> dataset = !io.libra.results.VariantAsJson.hasVariant(query.schema()) ? query
        : run(ctx, sql, () -> io.libra.results.VariantAsJson.apply(query));
    return new QueryTicket(pending.register(new PendingQuery(ctx, streamOp, dataset, schema)),
        schema);
  }

  /**
   * Runs a DDL/DML statement once per parameter row; returns the sum of the update counts (-1 if
   * any is unknown). Other sessions' table caches are dropped once afterwards, also when a later
   * row fails after earlier ones wrote.
   */
  private long runUpdates(StatementContext ctx, AnalyzedStatement statement, List<Object[]> rows)
      throws Exception {
    try {
      long total = 0;
      for (Object[] args : rows) {
        long n = runUpdate(ctx, statement, args);
        total = (n < 0 || total < 0) ? UpdateCounts.UNKNOWN : total + n;
      }
      return total;
    } finally {
      afterWrite.run();
    }
  }

  /** Runs a DDL/DML statement once with positional parameters ({@code spark.sql(sql, args)}). */
  private long runUpdate(StatementContext ctx, AnalyzedStatement statement, Object[] args)
      throws Exception {
    if (procedures.handles(statement.sql())) {
      return callProcedure(ctx, statement.sql()).count();
    }
    Dataset<Row> result = args.length == 0 ? spark(ctx).sql(statement.sql())
        : spark(ctx).sql(statement.sql(), args);
    return UpdateCounts.of(result.queryExecution().executedPlan());
  }

  /** Spark's analysis, or for {@code CALL libra.*} the procedure's result schema (runs nothing). */
  private AnalyzedStatement analyze(StatementContext ctx, String sql) throws Exception {
    if (procedures.handles(sql)) {
      return new AnalyzedStatement(sql, StatementKind.QUERY, procedures.describe(sql), List.of(),
          List.of());
    }
    return StatementAnalyzer.analyze(spark(ctx), sql, deniedFunctions);
  }

  private Dataset<Row> callProcedure(StatementContext ctx, String sql) throws Exception {
    ClientSession s = ctx.session();
    return procedures.call(new io.libra.procedures.Procedure.Caller(s.user(), s.spark(),
        ctx.pool()), sql);
  }

  private static SparkSession spark(StatementContext ctx) {
    return ctx.session().spark();
  }

  private Schema arrowSchema(StatementContext ctx, StructType schema) {
    return SparkArrowSchema.toArrow(schema,
        spark(ctx).sessionState().conf().sessionLocalTimeZone());
  }

  private <T> T run(StatementContext ctx, String sql, OperationManager.Body<T> body)
      throws Exception {
    return runner.run(ctx, sql, body);
  }

  private <T> T execute(StatementContext ctx, Operation op, OperationManager.Body<T> body)
      throws Exception {
    return runner.execute(ctx, op, body);
  }

  private Operation newOperation(StatementContext ctx, String sql) {
    return runner.newOperation(ctx, sql);
  }

  private void close(Operation op) {
    runner.close(op);
  }
}
