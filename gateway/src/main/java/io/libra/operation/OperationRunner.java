package io.libra.operation;

import io.libra.engine.JobTagGuard;
import io.libra.session.ClientSession;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.classic.SparkSession;

/**
 * Creates a session's statements and runs their steps on the {@link OperationManager}'s bounded
 * statement executor. A statement ({@link Operation}) may take several steps — analysis at
 * {@code GetFlightInfo}, streaming at {@code DoGet} — all under its one id and job tag.
 *
 * <p>Each step runs with the session's SparkSession active and these Spark local properties on
 * the submitting thread (restored afterwards): the pool ({@code spark.scheduler.pool}), the
 * statement's job tag, the job description (the SQL text, secrets redacted),
 * {@code spark.job.interruptOnCancel=true} and the user. The call's cancellation (client cancel
 * or disconnect) cancels the statement and its jobs.
 *
 * <p>Timeout: the first of call header {@code statement_timeout}, session option
 * {@code statement_timeout} and {@code libra.operations.statement-timeout-seconds} that is set
 * (seconds; 0 = none) counts from the statement's creation; when it passes, the statement is
 * cancelled and ends with {@link StatementTimeoutException}.
 */
public final class OperationRunner {
  private final OperationManager operations;
  private final JobTagGuard guard;
  private final int defaultTimeoutSeconds;

  /**
   * @param guard cancels statements' jobs by tag
   * @param defaultTimeoutSeconds {@code libra.operations.statement-timeout-seconds} (0 = none)
   */
  private volatile java.util.function.Consumer<Operation> closedObserver = op -> { };

  public OperationRunner(OperationManager operations, JobTagGuard guard,
      int defaultTimeoutSeconds) {
    this(operations, guard, defaultTimeoutSeconds, 30);
  }

  /** @param pollLeaseSeconds {@code libra.statement.poll-lease-seconds} ({@link PolledQuery}) */
  public OperationRunner(OperationManager operations, JobTagGuard guard,
      int defaultTimeoutSeconds, int pollLeaseSeconds) {
    this.operations = operations;
    this.guard = guard;
    this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    this.pollLeaseSeconds = pollLeaseSeconds;
  }

  private final int pollLeaseSeconds;

  /** How long a polled statement runs on without a poll before it is cancelled, in seconds. */
  int pollLeaseSeconds() {
    return pollLeaseSeconds;
  }

  /**
   * Cancels {@code query} if its client neither polls it nor reads its ticket for
   * {@link #pollLeaseSeconds} (checked on the statement timer thread, re-armed for the rest of the
   * lease) until its ticket is read.
   */
  void watchLease(PolledQuery query) {
    operations.scheduleMillis(() -> {
      if (query.isSettled()) {
        return;
      }
      long idle = query.millisSinceLastPoll();
      if (idle >= pollLeaseSeconds * 1000L) {
        query.cancel("its client stopped polling (no PollFlightInfo and no DoGet of its ticket for "
            + pollLeaseSeconds + " s, libra.statement.poll-lease-seconds)");
      } else {
        watchLease(query);
      }
    }, Math.max(50, pollLeaseSeconds * 1000L - query.millisSinceLastPoll()));
  }

  /**
   * A new statement of {@code ctx}'s session; {@code sql} is its description. Its timeout starts
   * now.
   *
   * @throws CancellationException when the session is closed
   */
  /** From now on, told of every statement as it closes (metrics). */
  public void onStatementClosed(java.util.function.Consumer<Operation> observer) {
    this.closedObserver = observer;
  }

  public Operation newStatement(StatementContext ctx, String sql) {
    ClientSession s = ctx.session();
    Operation op = new Operation(Handles.newHandle(), s.user(), s.id(), sql, guard);
    op.onClosed(closed -> closedObserver.accept(closed));
    op.setKind(kindOf(sql));
    op.describe(SqlRedaction.redact(s.spark(), sql), s.clientAddress());
    s.add(op);
    String source;
    int seconds;
    if (ctx.callTimeoutSeconds() != null) {
      seconds = ctx.callTimeoutSeconds();
      source = "call header statement_timeout";
    } else if (s.statementTimeoutSeconds() != null) {
      seconds = s.statementTimeoutSeconds();
      source = "session option statement_timeout / " + ClientSession.STATEMENT_TIMEOUT_CONF;
    } else {
      seconds = defaultTimeoutSeconds;
      source = "libra.operations.statement-timeout-seconds";
    }
    if (seconds > 0) {
      String message = "statement " + op.publicId() + " exceeded its timeout of " + seconds + " s ("
          + source + ") and was cancelled";
      op.setTimer(operations.schedule(() -> op.timeOut(new StatementTimeoutException(message)),
          seconds));
    }
    return op;
  }

  /** Runs {@code body} as a whole statement of one step. */
  public <T> T run(StatementContext ctx, String sql, OperationManager.Body<T> body)
      throws Exception {
    return execute(ctx, newStatement(ctx, sql), body);
  }

  /**
   * Runs {@code body} as the last step of {@code op}, then ends it: FINISHED when the step
   * succeeded and no cancel came first (COMPLETING is taken before returning), else FAILED or
   * CANCELLED. Either way the statement is closed and leaves its session.
   *
   * @throws CancellationException when the statement was cancelled, timed out or its session closed
   * @throws AdmissionException when the statement limits are reached
   */
  public <T> T execute(StatementContext ctx, Operation op, OperationManager.Body<T> body)
      throws Exception {
    try {
      T result = step(ctx, op, body);
      finishOrThrow(op);
      return result;
    } finally {
      end(ctx.session(), op);
    }
  }

  /**
   * Runs one step of {@code op} and leaves it RUNNING for its next step; a step that fails ends
   * the statement (FAILED, or CANCELLED when a cancel caused the failure).
   */
  public <T> T step(StatementContext ctx, Operation op, OperationManager.Body<T> body)
      throws Exception {
    ClientSession session = ctx.session();
    try (CallCancellation.Registration callScope = ctx.call().onCancel(
        () -> clientGone(op, "the client cancelled the call or disconnected"))) {
      if (session.isClosed()) {
        op.cancel("session closed");
      }
      op.setPool(ctx.pool());
      return operations.run(op, inStatement(ctx, op, body));
    } catch (Throwable t) {
      if (t instanceof AdmissionException) {
        op.recordFailure(t);
      }
      end(session, op);
      if (op.isCancelled() && !(t instanceof CancellationException)) {
        throw (CancellationException) cancelledInstead(op, t);
      }
      throw t;
    }
  }

  /**
   * Runs {@code body} as the last step of {@code op} without waiting for it (a statement
   * submitted by {@code PollFlightInfo}): admitted now, then run on the statement executor, not
   * tied to any call (its cancel, session close, ticket expiry and timeout still end it). The
   * future completes once the statement has ended: FINISHED with the body's result, or failed
   * with its error ({@link CancellationException} when cancelled).
   *
   * @throws AdmissionException when the statement limits are reached (the statement is ended)
   */
  public <T> java.util.concurrent.CompletableFuture<T> executeInBackground(StatementContext ctx,
      Operation op, OperationManager.Body<T> body) throws Exception {
    ClientSession session = ctx.session();
    java.util.concurrent.CompletableFuture<T> running;
    try {
      if (session.isClosed()) {
        op.cancel("session closed");
      }
      op.setPool(ctx.pool());
      running = operations.submit(op, inStatement(ctx, op, () -> {
        T result = body.run();
        finishOrThrow(op);
        return result;
      }));
    } catch (Throwable t) {
      if (t instanceof AdmissionException) {
        op.recordFailure(t);
      }
      end(session, op);
      throw t;
    }
    java.util.concurrent.CompletableFuture<T> ended = new java.util.concurrent.CompletableFuture<>();
    running.whenComplete((result, failure) -> {
      end(session, op);
      if (failure == null) {
        ended.complete(result);
      } else {
        ended.completeExceptionally(cancelledInstead(op, failure));
      }
    });
    return ended;
  }

  /**
   * Ends {@code op} after its last step ran (the last endpoint of its result streamed): FINISHED,
   * or its cancellation thrown when a cancel came first; closed either way.
   */
  public void finish(ClientSession session, Operation op) {
    try {
      finishOrThrow(op);
    } finally {
      end(session, op);
    }
  }

  /** COMPLETING then FINISHED, unless a cancel came first (then its cancellation is thrown). */
  private static void finishOrThrow(Operation op) {
    if (!op.tryComplete()) {
      throw op.cancellationException();
    }
    op.finish();
  }

  /** A failure of a cancelled statement is its cancellation (with the failure as cause). */
  private static Throwable cancelledInstead(Operation op, Throwable t) {
    if (op.isCancelled() && !(t instanceof CancellationException)) {
      CancellationException c = op.cancellationException();
      c.initCause(t);
      return c;
    }
    return t;
  }

  /**
   * {@code body} as it runs on the statement executor: the session's SparkSession active, the
   * statement's pool, job tag, description and user as Spark local properties, removed after.
   */
  private <T> OperationManager.Body<T> inStatement(StatementContext ctx, Operation op,
      OperationManager.Body<T> body) {
    ClientSession session = ctx.session();
    return () -> {
      op.start();
      session.stepStarted();
      SparkSession spark = session.spark();
      SparkContext sc = spark.sparkContext();
      SparkSession.setActiveSession(spark);
      try (SparkLocalProperties ignored = SparkLocalProperties.apply(sc, Map.of(
          SparkLocalProperties.POOL, ctx.pool(),
          SparkLocalProperties.JOB_DESCRIPTION, abbreviate(op.redactedSql()),
          SparkLocalProperties.INTERRUPT_ON_CANCEL, "true",
          SparkLocalProperties.USER, session.user()))) {
        sc.addJobTag(op.jobTag());
        // current_user() and session_user() name the Libra user, not the gateway's OS user.
        org.apache.spark.sql.catalyst.CurrentUserContext.CURRENT_USER().set(session.user());
        try {
          T result = body.run();
          op.checkNotCancelled();
          return result;
        } catch (Throwable t) {
          if (op.isCancelled()) {
            throw op.cancellationException();
          }
          op.recordFailure(t);
          op.tryTransition(OperationState.FAILED);
          throw t;
        } finally {
          org.apache.spark.sql.catalyst.CurrentUserContext.CURRENT_USER().remove();
          sc.removeJobTag(op.jobTag());
          SparkSession.clearActiveSession();
          session.stepEnded();
        }
      }
    };
  }

  /**
   * The client cancelled the call or disconnected: a statement whose work is done
   * ({@link Operation#ranEagerly}: DDL, DML, SET, … run while planning) ends FINISHED, as when
   * its ticket is dropped unread (ADBC's default reader starts a DoGet of every result at once,
   * and a client closing its connection right after an INSERT cut that DoGet short: the INSERT
   * was recorded CANCELLED though its rows were written); any other is cancelled.
   */
  static void clientGone(Operation op, String reason) {
    if (op.isDoneEagerly()) {
      if (op.tryComplete()) {
        op.finish();
      }
    } else {
      op.cancel(reason);
    }
  }

  /**
   * Its ticket was dropped unread (expired, or its session closed): a statement whose work is
   * done ({@link Operation#ranEagerly}) ends FINISHED, any other is cancelled.
   */
  public static void dropUnread(ClientSession session, Operation op) {
    if (op.isDoneEagerly() && op.tryComplete()) {
      op.finish();
    } else {
      op.cancel("its ticket was not read in time or the session closed");
    }
    end(session, op);
  }

  /** Ends {@code op}: CLOSED (idempotent), and out of its session's live statements. */
  public static void end(ClientSession session, Operation op) {
    op.close();
    session.remove(op);
  }

  /**
   * The statement's kind for metrics and history, from the first word of its text after leading
   * comments, blanks and parentheses ({@code /* dashboard *}{@code / SELECT …} is a query).
   */
  static String kindOf(String sql) {
    String s = sql.strip();
    if (s.endsWith("(bulk ingest)")) {
      return "ingest";
    }
    s = LEADING_NOISE.matcher(s).replaceFirst("");
    String first = s.split("[\\s(]+", 2)[0].toUpperCase(java.util.Locale.ROOT);
    return switch (first) {
      case "SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "VALUES", "TABLE", "FROM",
          "SET", "LIST" -> "query";
      case "CALL" -> "procedure";
      default -> "update";
    };
  }

  /** Comments, blanks and opening parentheses before a statement's first word (bounded). */
  private static final java.util.regex.Pattern LEADING_NOISE = java.util.regex.Pattern.compile(
      "^(?:\\s|\\(|/\\*(?s:.{0,10000}?)\\*/|--[^\\n]{0,10000}(?:\\n|$)){0,100}");

  private static String abbreviate(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
  }
}
