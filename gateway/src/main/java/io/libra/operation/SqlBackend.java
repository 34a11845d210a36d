package io.libra.operation;

import io.libra.results.ArrowResultStream;
import io.libra.results.SparkArrowSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Protocol-neutral statement backend: prepare, plan a query, execute an update, stream a result.
 * The Flight SQL handlers translate the wire to these calls; nothing here speaks gRPC except the
 * result listener handed to {@link #stream}.
 *
 * <p>Each statement runs once: updates when executed, row-returning commands (SHOW, SET, ...) when
 * their FlightInfo is requested, plain queries when their ticket is read.
 */
public final class SqlBackend {
  private static final Logger LOG = LoggerFactory.getLogger(SqlBackend.class);
  private static final String DEFAULT_POOL = "default";

  private final SparkSession session;
  private final PreparedStatementRegistry prepared;
  private final PendingQueryRegistry pending;
  private final ArrowResultStream results;

  public SqlBackend(SparkSession session, ArrowResultStream results, Duration handleTtl) {
    this.session = session;
    this.results = results;
    this.prepared = new PreparedStatementRegistry(handleTtl);
    this.pending = new PendingQueryRegistry(handleTtl);
  }

  public SparkSession session() {
    return session;
  }

  /** {@code CreatePreparedStatement}: analyses, never executes. */
  public PreparedInfo prepare(String sql) throws Exception {
    AnalyzedStatement statement = inSession(sql, () -> StatementAnalyzer.analyze(session, sql));
    String handle = prepared.register(statement);
    return new PreparedInfo(handle, statement.kind(), arrowSchema(statement.schema()));
  }

  /** {@code ClosePreparedStatement}: idempotent. */
  public void closePrepared(String handle) {
    prepared.close(handle);
  }

  /** {@code GetSchema} of a statement: analysis only. */
  public Schema schemaOf(String sql) throws Exception {
    AnalyzedStatement statement = inSession(sql, () -> StatementAnalyzer.analyze(session, sql));
    return arrowSchema(statement.schema());
  }

  /** {@code GetFlightInfo(CommandStatementQuery)}. */
  public QueryTicket planQuery(String sql) throws Exception {
    return plan(inSession(sql, () -> StatementAnalyzer.analyze(session, sql)));
  }

  /** {@code GetFlightInfo(CommandPreparedStatementQuery)}. */
  public QueryTicket planPreparedQuery(String handle) throws Exception {
    return plan(prepared.get(handle));
  }

  /** {@code DoPut(CommandStatementUpdate)}: runs the statement, returns its update count. */
  public long executeUpdate(String sql) throws Exception {
    return inSession(sql, () -> runUpdate(StatementAnalyzer.analyze(session, sql)));
  }

  /** {@code DoPut(CommandPreparedStatementUpdate)}. */
  public long executePreparedUpdate(String handle) throws Exception {
    AnalyzedStatement statement = prepared.get(handle);
    return inSession(statement.sql(), () -> runUpdate(statement));
  }

  /**
   * {@code DoGet(TicketStatementQuery)}: streams the planned query, completing the listener.
   *
   * @throws HandleNotFoundException for an unknown or already read ticket
   */
  public long stream(String ticketId, BufferAllocator allocator, ServerStreamListener listener)
      throws Exception {
    PendingQuery query = pending.take(ticketId);
    if (query.dataset() == null) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(query.arrowSchema(), allocator)) {
        listener.start(root);
        listener.completed();
      }
      return 0;
    }
    return inSession(query.sql(), () -> {
      long t0 = System.nanoTime();
      long rows = results.stream(query.dataset(), query.arrowSchema(), allocator, listener);
      LOG.info("streamed {} rows in {} ms", rows, (System.nanoTime() - t0) / 1_000_000);
      return rows;
    });
  }

  /** Open prepared statements and unread tickets, for tests and metrics. */
  public long openHandles() {
    return prepared.size() + pending.size();
  }

  private QueryTicket plan(AnalyzedStatement statement) throws Exception {
    String sql = statement.sql();
    if (statement.kind() == StatementKind.UPDATE) {
      // A DDL/DML statement sent as a query (ADBC's execute() does this): run it once now and
      // answer with an empty result that has no columns.
      inSession(sql, () -> runUpdate(statement));
      Schema empty = new Schema(List.of());
      return new QueryTicket(pending.register(new PendingQuery(sql, null, empty)), empty);
    }
    Dataset<Row> dataset = inSession(sql, () -> session.sql(sql));
    Schema schema = arrowSchema(dataset.schema());
    return new QueryTicket(pending.register(new PendingQuery(sql, dataset, schema)), schema);
  }

  private long runUpdate(AnalyzedStatement statement) {
    Dataset<Row> result = session.sql(statement.sql());
    return UpdateCounts.of(result.queryExecution().executedPlan());
  }

  private Schema arrowSchema(StructType schema) {
    return SparkArrowSchema.toArrow(schema, session.sessionState().conf().sessionLocalTimeZone());
  }

  /** A body that may throw. */
  @FunctionalInterface
  interface Body<T> {
    T run() throws Exception;
  }

  /** Runs with this session active and the statement's Spark local properties on this thread. */
  private <T> T inSession(String sql, Body<T> body) throws Exception {
    SparkSession previous = SparkSession.getActiveSession().isDefined()
        ? (SparkSession) SparkSession.getActiveSession().get() : null;
    SparkSession.setActiveSession(session);
    try (SparkLocalProperties ignored = SparkLocalProperties.apply(session.sparkContext(),
        Map.of(SparkLocalProperties.POOL, DEFAULT_POOL,
            SparkLocalProperties.JOB_DESCRIPTION, abbreviate(sql)))) {
      return body.run();
    } finally {
      if (previous == null) {
        SparkSession.clearActiveSession();
      } else {
        SparkSession.setActiveSession(previous);
      }
    }
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
  }
}
