package io.libra.operation;

import io.libra.results.ArrowResultStream;
import io.libra.results.ResultSink;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Protocol-neutral statement backend, the one door below {@code flight/}: prepare, plan a query,
 * execute an update, stream a result, cancel, run a metadata call. Every call takes the caller's
 * session first ({@link StatementContext#session()}), and every handle and ticket is looked up in
 * that session only: another session's is NOT_FOUND ({@link HandleNotFoundException}), never
 * executed or cancelled.
 *
 * <p>Every client statement is one {@link Operation} (one id, one job tag, one state machine)
 * whose steps the {@link OperationRunner} runs on the bounded statement executor. The work is split
 * by what it does: {@link PreparedStatements}, {@link QueryPlanner} (a query's first step),
 * {@link ResultStreamer} (its last), {@link UpdateRunner}; {@link SessionSql} analyses and runs the
 * text by its kind ({@link StatementText}: Spark SQL or a {@code CALL libra.*} procedure).
 *
 * <p>Every SQL text is checked against {@link SqlTextLimits} before it is parsed.
 *
 * <p>Each statement runs once: updates when executed, row-returning commands (SHOW, SET, ...) when
 * their FlightInfo is requested, plain queries when their ticket is read.
 */
public final class SqlBackend {
  private final OperationRunner runner;
  private final PreparedStatements prepared;
  private final QueryPlanner planner;
  private final UpdateRunner updates;
  private final ResultStreamer streamer;
  private final DirectResults direct;
  private final SqlTextLimits limits;

  /**
   * @param procedures {@code CALL libra.*} statements, answered here instead of by Spark
   * @param afterWrite run after every DDL/DML statement (other sessions' table caches)
   * @param writeEpoch grows with every table write of any session ({@link JustPrepared})
   * @param limits checked on every SQL text before it is parsed
   * @param errors the Flight status a failure is answered with (for executor endpoints, which
   *     report a statement's failure after its GetFlightInfo answered)
   */
  public SqlBackend(OperationRunner runner, ArrowResultStream results,
      io.libra.procedures.LibraProcedures procedures, Runnable afterWrite,
      java.util.function.LongSupplier writeEpoch, SqlTextLimits limits,
      java.util.function.Function<Throwable, org.apache.arrow.flight.CallStatus> errors) {
    this.limits = limits;
    SessionSql sql = new SessionSql(procedures);
    JustPrepared justPrepared = new JustPrepared(writeEpoch);
    this.runner = runner;
    this.updates = new UpdateRunner(runner, sql, afterWrite);
    this.prepared = new PreparedStatements(runner, sql, justPrepared);
    this.planner = new QueryPlanner(runner, sql, justPrepared, updates, results::partitionsOf);
    this.streamer = new ResultStreamer(runner, results);
    this.direct = new DirectResults(runner, results, errors);
  }

  /** {@code CreatePreparedStatement}: analyses, never executes. */
  public PreparedInfo prepare(StatementContext ctx, String sql) throws Exception {
    limits.check(sql);
    return prepared.prepare(ctx, sql);
  }

  /**
   * DoPut of parameter rows for a prepared query: returns a new handle for the statement with these
   * rows bound (the original handle stays unbound), as {@code DoPutPreparedStatementResult} allows.
   *
   * @throws IllegalArgumentException when a row's width differs from the number of markers
   * @throws HandleNotFoundException when the handle is not one of this session's
   */
  public String bind(StatementContext ctx, String handle, List<Object[]> rows) {
    return prepared.bind(ctx, handle, rows);
  }

  /**
   * {@code ClosePreparedStatement}: idempotent within the session; another session's handle is
   * not touched (it is not in this session's registry).
   */
  public void closePrepared(StatementContext ctx, String handle) {
    prepared.close(ctx, handle);
  }

  /**
   * {@code GetSchema(CommandPreparedStatementQuery)}: the dataset schema of a prepared statement
   * as {@code CreatePreparedStatement} answered it (empty for an update); runs nothing.
   *
   * @throws HandleNotFoundException when the handle is not one of this session's
   */
  public Schema preparedSchema(StatementContext ctx, String handle) {
    return prepared.schema(ctx, handle);
  }

  /** {@code GetSchema} of a statement: analysis only. */
  public Schema schemaOf(StatementContext ctx, String sql) throws Exception {
    limits.check(sql);
    return planner.schema(ctx, sql);
  }

  /** {@code GetFlightInfo(CommandStatementQuery)}: the statement's first step. */
  public QueryTicket planQuery(StatementContext ctx, String sql) throws Exception {
    limits.check(sql);
    return direct.apply(ctx, planner.plan(ctx, sql, true));
  }

  /**
   * {@code GetFlightInfo(CommandPreparedStatementQuery)}: a new statement of the prepared one.
   *
   * @throws HandleNotFoundException when the handle is not one of this session's
   */
  public QueryTicket planPreparedQuery(StatementContext ctx, String handle) throws Exception {
    return direct.apply(ctx, planner.planPrepared(ctx, handle, true));
  }

  /**
   * {@code PollFlightInfo(CommandStatementQuery)}: plans the query in this call, then runs it in
   * the background ({@link PolledQuery}); later polls find it by its ticket id.
   */
  public PolledQuery pollQuery(StatementContext ctx, String sql) throws Exception {
    limits.check(sql);
    return streamer.startPolled(ctx, planner.plan(ctx, sql, false).ticketId());
  }

  /** {@code PollFlightInfo(CommandPreparedStatementQuery)}: a new statement of the prepared one. */
  public PolledQuery pollPreparedQuery(StatementContext ctx, String handle) throws Exception {
    return streamer.startPolled(ctx, planner.planPrepared(ctx, handle, false).ticketId());
  }

  /**
   * A later {@code PollFlightInfo} (its retry descriptor names the ticket id): this session's
   * polled statement, running or ended.
   *
   * @throws HandleNotFoundException when this session has no polled statement of that id
   */
  public PolledQuery polled(StatementContext ctx, String ticketId) {
    Operation op = ctx.session().statement(ticketId);
    if (op == null || op.polled() == null) {
      throw new HandleNotFoundException("polled query", ticketId);
    }
    return op.polled();
  }

  /** {@code DoPut(CommandStatementUpdate)}: runs the statement, returns its update count. */
  public long executeUpdate(StatementContext ctx, String sql) throws Exception {
    limits.check(sql);
    return updates.execute(ctx, sql);
  }

  /**
   * {@code DoPut(CommandPreparedStatementUpdate)}: one execution per parameter row (the sum of
   * their counts, or -1 if any is unknown); once when the statement has no markers.
   */
  public long executePreparedUpdate(StatementContext ctx, String handle, List<Object[]> rows)
      throws Exception {
    return updates.executePrepared(ctx, handle, rows);
  }

  /**
   * {@code DoGet(TicketStatementQuery)}: the statement's last step, streaming the planned query to
   * {@code sink} and completing it.
   *
   * @param ctx the DoGet call's session and cancellation
   * @return rows sent
   * @throws HandleNotFoundException for a ticket this session does not hold (unknown, another
   *     session's, already read)
   * @throws CancellationException when the query was cancelled before or while streaming
   */
  public long stream(StatementContext ctx, String ticketId, ResultSink sink) throws Exception {
    return streamer.stream(ctx, ticketId, sink);
  }

  /**
   * {@code CancelFlightInfo} / {@code CancelQuery}: cancels this session's query behind a ticket,
   * whether it is being planned, waiting for its DoGet or streaming.
   *
   * @return true if cancelled now, false if it had already ended
   * @throws HandleNotFoundException when this session has no such statement
   */
  public boolean cancel(StatementContext ctx, String ticketId) {
    int slash = ticketId.indexOf('/'); // one endpoint's ticket names its statement
    Operation op = ctx.session().statement(slash < 0 ? ticketId : ticketId.substring(0, slash));
    if (op == null) {
      throw new HandleNotFoundException("query", ticketId);
    }
    return op.cancel("cancelled by the client (CancelFlightInfo)");
  }

  /**
   * {@code CancelFlightInfo} of executor endpoints (executor-direct fetch): drops the stored
   * results of the caller's session they name.
   *
   * @throws HandleNotFoundException when the ticket is not one of this session's results
   */
  public boolean cancelExecutorResults(StatementContext ctx, List<byte[]> tickets) {
    return direct.cancel(ctx, tickets);
  }

  /**
   * {@code RenewFlightEndpoint}: the unread ticket is kept another ticket TTL from now
   * ({@code libra.statement.ticket-ttl-seconds}); returns that TTL.
   *
   * @throws HandleNotFoundException when this session holds no such unread ticket
   */
  public java.time.Duration renew(StatementContext ctx, String ticketId) {
    ctx.session().pending().renew(ticketId);
    return ctx.session().handleTtl();
  }

  /**
   * A metadata call ({@code GetTables}, {@code GetDbSchemas}, …) as a statement of its own:
   * admission, the call's pool, a job tag, cancel with its call or session.
   */
  public <T> T metadata(StatementContext ctx, String description, MetadataBody<T> body)
      throws Exception {
    Operation op = runner.newStatement(ctx, description);
    op.setKind("metadata");
    return runner.execute(ctx, op, () -> body.run(() -> ResultStreamer.completing(op)));
  }

  /** A metadata call's work; it runs {@code beforeComplete} just before completing its stream. */
  @FunctionalInterface
  public interface MetadataBody<T> {
    T run(Runnable beforeComplete) throws Exception;
  }
}
