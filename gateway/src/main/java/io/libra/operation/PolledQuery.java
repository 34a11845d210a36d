package io.libra.operation;

import io.libra.engine.JobProgress;
import io.libra.results.ResultSink;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.SparkContext;

/**
 * A query statement submitted by {@code PollFlightInfo}: planned in the poll call, then run in the
 * background — its result computed ahead into result blocks ({@code PartitionPrefetcher.runAhead})
 * — until it is <em>ready</em>: every partition stored, or {@code libra.results.max-spill-bytes}
 * of them (the rest is computed while the client reads, as in any stream). Each poll reports
 * {@link #progress()}; once ready, the poll hands out the ticket, and the {@code DoGet} of it
 * {@link #read reads} the stream the statement has been writing to a {@link DeferredSink}.
 *
 * <p>Cancel (CancelFlightInfo, a cancelled poll call), session close, the statement timeout and
 * ticket expiry end it as any statement; so does its lease: not polled while it runs, or its
 * ticket not read once ready, for {@code libra.statement.poll-lease-seconds} (it holds a statement
 * slot and its result blocks meanwhile). A poll after that reports how it ended.
 */
public final class PolledQuery {
  /** Highest progress reported before the statement is ready (1 means ready). */
  static final double BEFORE_READY = 0.99;

  private final Operation operation;
  private final String ticketId;
  private final Schema schema;
  private final SparkContext sc;
  private final Instant expiresAt;
  final DeferredSink sink = new DeferredSink();
  final CompletableFuture<Void> ready = new CompletableFuture<>();
  private volatile CompletableFuture<Long> finished;
  private volatile double progress;
  private final long leaseMillis;
  private volatile long lastPollNanos = System.nanoTime();

  /**
   * @param expiresAt when the ticket is dropped ({@code libra.statement.ticket-ttl-seconds})
   * @param leaseMillis how long it runs on unpolled before it is ready
   *     ({@code libra.statement.poll-lease-seconds})
   */
  PolledQuery(Operation operation, String ticketId, Schema schema, SparkContext sc,
      Instant expiresAt, long leaseMillis) {
    this.operation = operation;
    this.ticketId = ticketId;
    this.schema = schema;
    this.sc = sc;
    this.expiresAt = expiresAt;
    this.leaseMillis = leaseMillis;
  }

  /** A poll of it came now: its lease starts again. */
  public void polledNow() {
    lastPollNanos = System.nanoTime();
  }

  long millisSinceLastPoll() {
    return (System.nanoTime() - lastPollNanos) / 1_000_000;
  }

  /** Read (its DoGet attached) or ended: the lease no longer applies. */
  boolean isSettled() {
    CompletableFuture<Long> f = finished;
    return sink.isAttached() || ready.isCompletedExceptionally() || (f != null && f.isDone());
  }

  /** The statement's background run: rows streamed once read, or how it failed. */
  void running(CompletableFuture<Long> finished) {
    this.finished = finished;
    finished.whenComplete((rows, failure) -> {
      if (failure != null) {
        ready.completeExceptionally(failure);
      } else {
        ready.complete(null);
      }
    });
  }

  /** The ticket id ({@code TicketStatementQuery.statement_handle}): the statement's id. */
  public String ticketId() {
    return ticketId;
  }

  /** The result schema (the one the FlightInfo announces). */
  public Schema schema() {
    return schema;
  }

  /**
   * {@code PollInfo.expiration_time}: until its ticket is read, the end of its lease (a poll
   * renews it); once read, when its ticket would have been dropped
   * ({@code libra.statement.ticket-ttl-seconds}).
   */
  public Instant expiresAt() {
    if (isSettled()) {
      return expiresAt;
    }
    Instant lease = Instant.now().plusMillis(leaseMillis - millisSinceLastPoll());
    return lease.isBefore(expiresAt) ? lease : expiresAt;
  }

  /**
   * Waits up to {@code millis} for the statement to be ready.
   *
   * @return whether it is ready (its ticket may be read)
   * @throws Exception how the statement failed ({@link CancellationException} when cancelled,
   *     {@link StatementTimeoutException} when it timed out)
   */
  public boolean awaitReady(long millis) throws Exception {
    try {
      ready.get(millis, TimeUnit.MILLISECONDS);
      CompletableFuture<Long> f = finished;
      if (f != null && f.isCompletedExceptionally()) {
        f.get(); // ended before its ticket was read (cancelled, its lease): how
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /**
   * The fraction of the statement's Spark tasks done ({@link JobProgress}, over all its jobs so
   * far): never lower than an earlier answer, at most {@link #BEFORE_READY} until ready, 1 then.
   */
  public double progress() {
    if (ready.isDone() && !ready.isCompletedExceptionally()) {
      return 1.0;
    }
    double now = JobProgress.of(sc, operation.jobTag());
    double p = Math.max(progress, Math.min(BEFORE_READY, now));
    progress = p;
    return p;
  }

  /** Cancels the statement (its jobs and its background run). */
  public boolean cancel(String reason) {
    return operation.cancel(reason);
  }

  /**
   * {@code DoGet} of the ticket: attaches {@code sink} and waits while the statement streams to
   * it; the call's cancellation cancels the statement.
   *
   * @return rows sent
   */
  long read(ResultSink sink, CallCancellation call) throws Exception {
    try (CallCancellation.Registration r = call.onCancel(
        () -> operation.cancel("the client cancelled the stream"))) {
      this.sink.attach(sink);
      return finished.get();
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (InterruptedException e) {
      operation.cancel("the reading call was interrupted");
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  private static Exception unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof Exception ex) {
      return ex;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return e;
  }
}
