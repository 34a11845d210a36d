package io.libra.operation;

import io.libra.results.ArrowResultStream;
import io.libra.results.ExecutorResults;
import io.libra.session.ClientSession;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;
import org.apache.arrow.flight.CallStatus;
import org.apache.spark.SparkContext;

/**
 * The statement side of executor-direct fetch ({@code libra.results.direct-fetch}): in
 * {@code GetFlightInfo}, a large unordered result (one that would get several gateway endpoints)
 * gets one endpoint per executor ({@link ExecutorResults#start}) and its Spark job starts at
 * once, as the statement's last step, in the background ({@link OperationRunner#executeInBackground});
 * the executors stream each block as its task stores it, while later tasks still run. The
 * statement ends FINISHED (its rows counted) when the job has stored every partition, or FAILED
 * / CANCELLED, whose status the endpoints' DoGets then end with.
 *
 * <p>The session holds the result until its tickets expire unread
 * ({@code libra.statement.ticket-ttl-seconds}; endpoints being read then are read to their end),
 * CancelFlightInfo drops it (cancelling the job if it still runs), or the session closes.
 * Results that do not qualify, or when an executor has no result server, keep the gateway's
 * endpoints as planned.
 */
final class DirectResults {
  /** How often an expired result being read is looked at again until its reads end (ms). */
  private static final long EXPIRED_RECHECK_MILLIS = 30_000;

  private final OperationRunner runner;
  private final ArrowResultStream results;
  private final Function<Throwable, CallStatus> errors;

  /**
   * @param errors the Flight status a statement's failure is answered with (the gateway's own
   *     mapping), for its executor endpoints' DoGets
   */
  DirectResults(OperationRunner runner, ArrowResultStream results,
      Function<Throwable, CallStatus> errors) {
    this.runner = runner;
    this.results = results;
    this.errors = errors;
  }

  /** {@code planned} with executor endpoints when its result goes to the executors, else as is. */
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
    ExecutorResults.Started started = results.startOnExecutors(query.dataset(),
        query.arrowSchema(), expires.toEpochMilli());
    if (started == null) {
      return planned;
    }
    session.pending().remove(planned.ticketId());
    SparkContext sc = session.spark().sparkContext();
    String streamId = started.streamId();
    session.holdExecutorResult(streamId, () -> {
      op.cancel("its result was dropped (CancelFlightInfo, its tickets expired or its session"
          + " closed)");
      started.drop(sc);
    });
    ExecutorResults.later(session.handleTtl().toMillis(), () -> expire(session, started));
    java.util.concurrent.CompletableFuture<Void> job;
    try {
      job = runner.executeInBackground(ctx, op, () -> {
        long[] stored = started.run(op::checkNotCancelled);
        op.sent(stored[0], stored[1]);
        return null;
      });
    } catch (Throwable t) {
      session.dropExecutorResult(streamId);
      throw t;
    }
    job.whenComplete((ignored, failure) -> {
      if (failure != null) {
        started.failed(errors.apply(failure instanceof java.util.concurrent.CompletionException
            && failure.getCause() != null ? failure.getCause() : failure));
      }
    });
    return new QueryTicket(planned.ticketId(), planned.schema(), false, -1,
        started.endpoints().size(), false, session.handleTtl(), started.endpoints());
  }

  /** Its tickets expired: dropped, once no endpoint is being read any more. */
  private static void expire(ClientSession session, ExecutorResults.Started started) {
    if (started.reading()) {
      ExecutorResults.later(EXPIRED_RECHECK_MILLIS, () -> expire(session, started));
    } else {
      session.dropExecutorResult(started.streamId());
    }
  }

  /**
   * CancelFlightInfo of executor endpoints (those of one FlightInfo: they share a result): drops
   * each result they name if the caller's session holds it, cancelling its job if it runs.
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
