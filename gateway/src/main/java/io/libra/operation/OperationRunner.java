package io.libra.operation;

import io.libra.session.ClientSession;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.classic.SparkSession;

/**
 * Runs a piece of a session's work as an {@link Operation} on the {@link OperationManager}'s
 * bounded statement executor: state machine (RUNNING → FINISHED / FAILED / CANCELLED → CLOSED),
 * the session's SparkSession active, and these Spark local properties on the submitting thread
 * (restored afterwards): the pool ({@code spark.scheduler.pool}), the operation's job tag, the job
 * description (the SQL text, secrets redacted) and {@code spark.job.interruptOnCancel=true}.
 * The call's cancellation (client cancel or disconnect) cancels the operation and its jobs.
 */
public final class OperationRunner {
  private final OperationManager operations;

  public OperationRunner(OperationManager operations) {
    this.operations = operations;
  }

  /** Registers a new operation of {@code ctx}'s session; {@code sql} is its description. */
  public Operation newOperation(StatementContext ctx, String sql) {
    ClientSession s = ctx.session();
    return operations.register(new Operation(Handles.newHandle(), s.user(), s.id(), sql,
        s.spark().sparkContext()));
  }

  /** Runs a body as a new operation of this session. */
  public <T> T run(StatementContext ctx, String sql, OperationManager.Body<T> body)
      throws Exception {
    return execute(ctx, newOperation(ctx, sql), body);
  }

  /**
   * Runs {@code body} as {@code op}: state machine, Spark local properties, executor.
   *
   * @throws CancellationException when the operation was cancelled or its session is closed
   * @throws AdmissionException when the statement limits are reached
   */
  public <T> T execute(StatementContext ctx, Operation op, OperationManager.Body<T> body)
      throws Exception {
    ClientSession session = ctx.session();
    if (session.isClosed()) {
      throw new CancellationException("session " + session.id() + " is closed");
    }
    session.track(op);
    try (CallCancellation.Registration callScope = ctx.call().onCancel(
        () -> op.cancel("the client cancelled the call or disconnected"))) {
      return operations.run(op, () -> {
        op.transition(OperationState.RUNNING);
        SparkSession spark = session.spark();
        SparkContext sc = spark.sparkContext();
        SparkSession.setActiveSession(spark);
        try (SparkLocalProperties ignored = SparkLocalProperties.apply(sc, Map.of(
            SparkLocalProperties.POOL, ctx.pool(),
            SparkLocalProperties.JOB_DESCRIPTION, abbreviate(SqlRedaction.redact(spark, op.sql())),
            SparkLocalProperties.INTERRUPT_ON_CANCEL, "true",
            SparkLocalProperties.USER, session.user()))) {
          sc.addJobTag(op.jobTag());
          try {
            T result = body.run();
            op.checkNotCancelled();
            op.transition(OperationState.FINISHED);
            return result;
          } catch (Throwable t) {
            op.tryTransition(OperationState.FAILED);
            if (op.state() == OperationState.CANCELLED) {
              throw new CancellationException("operation " + op.id() + " was cancelled");
            }
            throw t;
          } finally {
            sc.removeJobTag(op.jobTag());
            SparkSession.clearActiveSession();
          }
        }
      });
    } finally {
      session.untrack(op);
      close(op);
    }
  }

  /** Moves {@code op} to CLOSED (idempotent). */
  public void close(Operation op) {
    // Kept in the registry until it expires, so a late cancel finds it and answers
    // "not cancellable" instead of "not found".
    op.tryTransition(OperationState.CLOSED);
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
  }
}
