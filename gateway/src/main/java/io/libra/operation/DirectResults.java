package io.libra.operation;

import io.libra.results.ArrowResultStream;
import io.libra.results.ExecutorResults;
import io.libra.session.ClientSession;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.spark.SparkContext;

/**
 * The statement side of executor-direct fetch ({@code libra.results.direct-fetch}): in
 * {@code GetFlightInfo}, a large unordered result (one that would get several gateway endpoints)
 * is run at once, as the statement's last step, into result blocks on the executors; its
 * FlightInfo then lists one endpoint per executor ({@link ExecutorResults}) and the statement is
 * FINISHED (its rows counted). The session holds the stored result until its tickets expire
 * ({@code libra.statement.ticket-ttl-seconds}), CancelFlightInfo drops it, or the session closes.
 * Results that do not qualify, or when an executor has no result server, keep the gateway's
 * endpoints as planned.
 */
final class DirectResults {
  private final OperationRunner runner;
  private final ArrowResultStream results;

  DirectResults(OperationRunner runner, ArrowResultStream results) {
    this.runner = runner;
    this.results = results;
  }

  /** {@code planned} with executor endpoints when its result went to the executors, else as is. */
  QueryTicket apply(StatementContext ctx, QueryTicket planned) throws Exception {
    if (planned.update() || planned.endpoints() <= 1 || planned.ordered()
        || !ExecutorResults.available()) {
      return planned;
    }
    ClientSession session = ctx.session();
    PendingQuery query = session.pending().peek(planned.ticketId());
    if (query.dataset() == null) {
      return planned;
    }
    Operation op = query.operation();
    Instant expires = Instant.now().plus(session.handleTtl()).truncatedTo(ChronoUnit.MILLIS);
    ExecutorResults.Stored stored;
    try {
      stored = runner.step(ctx, op, () -> results.storeOnExecutors(query.dataset(),
          query.arrowSchema(), op::checkNotCancelled, expires.toEpochMilli()));
    } catch (Throwable t) {
      session.pending().remove(planned.ticketId()); // the statement ended with the failure
      throw t;
    }
    if (stored == null) {
      return planned;
    }
    session.pending().remove(planned.ticketId());
    SparkContext sc = session.spark().sparkContext();
    String streamId = stored.streamId();
    session.holdExecutorResult(streamId, () -> ExecutorResults.drop(sc, streamId));
    ExecutorResults.later(session.handleTtl().toMillis(),
        () -> session.dropExecutorResult(streamId));
    op.sent(stored.rows(), stored.bytes());
    runner.finish(session, op);
    return new QueryTicket(planned.ticketId(), planned.schema(), false, -1,
        stored.endpoints().size(), false, session.handleTtl(), stored.endpoints());
  }

  /**
   * CancelFlightInfo of executor endpoints (those of one FlightInfo: they share a result): drops
   * each stored result they name if the caller's session holds it.
   *
   * @throws HandleNotFoundException when a ticket is not a valid one of this session's results
   */
  boolean cancel(StatementContext ctx, java.util.List<byte[]> tickets) {
    java.util.Set<String> streams = new java.util.LinkedHashSet<>();
    for (byte[] t : tickets) {
      String streamId = ExecutorResults.streamOf(t);
      if (streamId == null) {
        throw new HandleNotFoundException("executor ticket", "?");
      }
      streams.add(streamId);
    }
    for (String streamId : streams) {
      if (!ctx.session().dropExecutorResult(streamId)) {
        throw new HandleNotFoundException("executor ticket", streamId);
      }
    }
    return !streams.isEmpty();
  }
}
