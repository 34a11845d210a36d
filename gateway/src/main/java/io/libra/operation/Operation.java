package io.libra.operation;

import io.libra.util.PublicIds;
import io.libra.engine.JobTagGuard;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client statement from {@code GetFlightInfo} (or {@code CreatePreparedStatement}, a DoPut
 * update, a metadata call) to its last batch or its update count: one id (the ticket's
 * {@code statement_handle} for queries), one {@link OperationState} machine that rejects illegal
 * moves, and one Spark job tag ({@code SparkContext.addJobTag}) that every job of every step
 * carries, built from user, session and statement id.
 *
 * <p>Cancelling moves PENDING or RUNNING to CANCELLED by compare-and-set — the same one that
 * {@link #tryComplete()} uses for RUNNING → COMPLETING, so exactly one of them wins — then cancels
 * the tag's jobs through the {@link JobTagGuard} (running ones now, later ones as they start) and
 * interrupts the thread running the current step.
 */
public final class Operation {
  private static final Logger LOG = LoggerFactory.getLogger(Operation.class);

  private final String id;
  private final String user;
  private final String sessionId;
  private final String sql;
  private final String jobTag;
  private final JobTagGuard guard;
  private final AtomicReference<OperationState> state =
      new AtomicReference<>(OperationState.PENDING);
  /** The threads running a step now: one, or one per endpoint being read. */
  private final java.util.Set<Thread> runners = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Bodies running now under this statement's one admission ({@link OperationManager}). */
  private int admittedBodies;
  private Runnable releaseAdmission;
  private volatile String cancelReason;
  private volatile boolean cancelled;
  private volatile StatementTimeoutException timeout;
  private volatile ScheduledFuture<?> timer;

  private final long createdNanos = System.nanoTime();
  private volatile String kind = "query";
  private volatile String pool = "default";
  private volatile java.util.function.Consumer<Operation> onClosed;
  private volatile OperationState finalState;

  private volatile PolledQuery polled;
  private final java.time.Instant submittedAt = java.time.Instant.now();
  private volatile java.time.Instant startedAt;
  private volatile java.time.Instant finishedAt;
  private final java.util.concurrent.atomic.AtomicLong rowsSent =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong bytesSent =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long updateCount = -1;
  private volatile Throwable failure;
  private volatile String clientAddress;
  private volatile String redactedSql;
  private volatile boolean eager;
  private volatile long peakStoredBytes;
  private volatile long peakFetchedBytes;

  /**
   * @param id random statement id ({@link Handles#newHandle()})
   * @param sql the statement text (the Spark job description, redacted, comes from it)
   * @param guard cancels this statement's jobs by tag
   */
  public Operation(String id, String user, String sessionId, String sql, JobTagGuard guard) {
    this.id = id;
    this.user = user;
    this.sessionId = sessionId;
    this.sql = sql;
    this.guard = guard;
    this.jobTag = "libra-user-" + safe(user) + "-session-" + PublicIds.of(sessionId) + "-op-"
        + publicId();
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9_.@-]", "_");
  }

  /** The statement handle: a capability of its session's client, never logged or shown. */
  public String id() {
    return id;
  }

  /**
   * How this statement is named in logs, job tags, thread names and messages
   * ({@link PublicIds}): not its handle.
   */
  public String publicId() {
    return PublicIds.of(id);
  }

  public String user() {
    return user;
  }

  public String sessionId() {
    return sessionId;
  }

  public String sql() {
    return sql;
  }

  /** The Spark job tag of every job this statement starts. */
  public String jobTag() {
    return jobTag;
  }

  public OperationState state() {
    return state.get();
  }

  /**
   * Moves to {@code next}.
   *
   * @throws IllegalStateException for an illegal transition (FINISHED may only go to CLOSED, …)
   */
  public void transition(OperationState next) {
    while (true) {
      OperationState current = state.get();
      if (!current.canMoveTo(next)) {
        throw new IllegalStateException(
            "operation " + publicId() + ": illegal transition " + current + " -> " + next);
      }
      if (state.compareAndSet(current, next)) {
        return;
      }
    }
  }

  /** Moves to {@code next} if legal; returns whether it did. */
  public boolean tryTransition(OperationState next) {
    try {
      transition(next);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /**
   * A step starts: PENDING → RUNNING (a later step finds it RUNNING already).
   *
   * @throws CancellationException when the statement was cancelled (or timed out) or has ended
   */
  void start() {
    if (startedAt == null) {
      startedAt = java.time.Instant.now();
    }
    tryTransition(OperationState.RUNNING);
    if (state.get() != OperationState.RUNNING) {
      throw cancellationException();
    }
  }

  /**
   * The result is about to be handed over completely: RUNNING → COMPLETING. Returns false when a
   * cancel won first (then the client gets CANCELLED, not its result).
   */
  public boolean tryComplete() {
    return state.get() == OperationState.COMPLETING || tryTransition(OperationState.COMPLETING);
  }

  /** After the last step: COMPLETING → FINISHED. */
  void finish() {
    tryComplete();
    tryTransition(OperationState.FINISHED);
  }

  /** Marks a thread that runs a step now (interrupted on cancel). */
  void bindRunner(Thread thread) {
    runners.add(thread);
  }

  /** The thread's step has ended. */
  void unbindRunner(Thread thread) {
    runners.remove(thread);
  }

  /**
   * A body joins the admission this statement holds already (several endpoints of one result
   * read at once count as one statement): true when another body of it runs now, else false and
   * the caller must be admitted and call {@link #admitted}.
   */
  synchronized boolean joinAdmission() {
    if (admittedBodies == 0) {
      return false;
    }
    admittedBodies++;
    return true;
  }

  /** The first body was admitted; {@code release} gives its slots back once the last ends. */
  synchronized void admitted(Runnable release) {
    releaseAdmission = release;
    admittedBodies++;
  }

  /** A body ended; the last one releases the statement's admission. */
  void leaveAdmission() {
    Runnable r = null;
    synchronized (this) {
      if (--admittedBodies == 0) {
        r = releaseAdmission;
        releaseAdmission = null;
      }
    }
    if (r != null) {
      r.run();
    }
  }

  /**
   * Stops every step still running (its other endpoints' streams) after one failed: cancels the
   * statement's Spark jobs by tag and interrupts their threads, whatever the state.
   */
  void abortSteps(String reason) {
    guard.cancel(jobTag, reason);
    Thread me = Thread.currentThread();
    for (Thread t : runners) {
      if (t != me) {
        t.interrupt();
      }
    }
  }

  /**
   * Cancels: PENDING or RUNNING → CANCELLED, Spark jobs with this tag cancelled now and whenever
   * one starts later ({@link JobTagGuard}), the thread running a step interrupted.
   *
   * @return whether this call cancelled it (false when it had already completed, failed, ended)
   */
  public boolean cancel(String reason) {
    boolean moved = false;
    while (true) {
      OperationState current = state.get();
      if (current != OperationState.PENDING && current != OperationState.RUNNING) {
        break;
      }
      if (state.compareAndSet(current, OperationState.CANCELLED)) {
        cancelReason = reason;
        cancelled = true;
        moved = true;
        break;
      }
    }
    if (moved) {
      LOG.info("statement {} cancelled: {}", publicId(), reason);
      guard.cancel(jobTag, reason);
      for (Thread t : runners) {
        t.interrupt();
      }
    }
    cancelTimer();
    return moved;
  }

  /** Cancels because the statement ran longer than {@code exception} says. */
  void timeOut(StatementTimeoutException exception) {
    if (state.get() == OperationState.PENDING || state.get() == OperationState.RUNNING) {
      timeout = exception;
      if (!cancel(exception.getMessage())) {
        timeout = null;
      }
    }
  }

  /** The timer that will time this statement out; cancelled when it ends. */
  void setTimer(ScheduledFuture<?> timer) {
    this.timer = timer;
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** FINISHED, FAILED or CANCELLED (or PENDING, never run) → CLOSED; idempotent. */
  void close() {
    cancelTimer();
    OperationState s = state.get();
    if (s == OperationState.RUNNING || s == OperationState.COMPLETING) {
      tryTransition(OperationState.FAILED);
    }
    OperationState last = state.get();
    if (tryTransition(OperationState.CLOSED)) {
      if (finishedAt == null) {
        finishedAt = java.time.Instant.now();
      }
      finalState = last == OperationState.PENDING ? OperationState.CANCELLED : last;
      java.util.function.Consumer<Operation> listener = onClosed;
      if (listener != null) {
        listener.accept(this);
      }
    }
  }

  /**
   * What kind of statement this is, for metrics and history: query, update, ingest, procedure,
   * prepare (CreatePreparedStatement's analysis), metadata (GetTables, GetDbSchemas, …).
   */
  public String kind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  /** The FAIR pool its Spark jobs run in (set when a step starts). */
  public String pool() {
    return pool;
  }

  void setPool(String pool) {
    this.pool = pool;
  }

  /** Whether it is RUNNING: a step runs now, or it waits for its next step (its DoGet). */
  public boolean isRunning() {
    return state.get() == OperationState.RUNNING;
  }

  /** Whether a step of it executes now (on a statement thread). */
  public boolean isExecuting() {
    return !runners.isEmpty();
  }

  /**
   * Its work is done although its ticket has not been read: a DDL/DML statement or a command
   * (SET, SHOW, USE, …) that ran while its FlightInfo was built. It ends FINISHED (not CANCELLED)
   * if its ticket is then dropped unread, and its duration ends now.
   */
  void ranEagerly() {
    eager = true;
    if (finishedAt == null) {
      finishedAt = java.time.Instant.now();
    }
  }

  /** Whether {@link #ranEagerly} says its work is done. */
  boolean isDoneEagerly() {
    return eager;
  }

  /** Called once when this statement closes (metrics, history). */
  void onClosed(java.util.function.Consumer<Operation> listener) {
    this.onClosed = listener;
  }

  /** FINISHED, FAILED or CANCELLED once closed; null before. */
  public OperationState finalState() {
    return finalState;
  }

  /** Seconds since this statement was submitted. */
  public double ageSeconds() {
    return (System.nanoTime() - createdNanos) / 1e9;
  }

  /** Seconds from submission to its end (to now while it runs). */
  public double durationSeconds() {
    java.time.Instant end = finishedAt;
    return end == null ? ageSeconds()
        : java.time.Duration.between(submittedAt, end).toNanos() / 1e9;
  }


  /**
   * Result memory of this statement's stream: the most result-block bytes stored at once for
   * it and the largest block fetched into the driver (bytes; 0 before it streamed).
   */
  public void recordResultMemory(long peakStoredBytes, long peakFetchedBytes) {
    this.peakStoredBytes = peakStoredBytes;
    this.peakFetchedBytes = peakFetchedBytes;
  }

  public long peakStoredBytes() {
    return peakStoredBytes;
  }

  public long peakFetchedBytes() {
    return peakFetchedBytes;
  }

  /** When the client submitted it. */
  public java.time.Instant submittedAt() {
    return submittedAt;
  }

  /** When its first step started running; null if it never ran (rejected, cancelled before). */
  public java.time.Instant startedAt() {
    return startedAt;
  }

  /** When it ended (closed); null before. */
  public java.time.Instant finishedAt() {
    return finishedAt;
  }

  /** A batch of {@code rows} rows, {@code bytes} Arrow buffer bytes, went to its client. */
  public void sent(long rows, long bytes) {
    rowsSent.addAndGet(rows);
    bytesSent.addAndGet(bytes);
  }

  public long rowsSent() {
    return rowsSent.get();
  }

  public long bytesSent() {
    return bytesSent.get();
  }

  /** An update's count of rows changed (-1: unknown or not an update). */
  public long updateCount() {
    return updateCount;
  }

  void setUpdateCount(long count) {
    this.updateCount = count;
  }

  /** Why it failed (the first failure of a step, or its admission), or null. */
  public Throwable failure() {
    return failure;
  }

  void recordFailure(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  /** The host its client called from (the session's), or null. */
  public String clientAddress() {
    return clientAddress;
  }

  /** Its SQL text with secrets redacted ({@code spark.sql.redaction.string.regex}). */
  public String redactedSql() {
    return redactedSql != null ? redactedSql : sql;
  }

  void describe(String redactedSql, String clientAddress) {
    this.redactedSql = redactedSql;
    this.clientAddress = clientAddress;
  }

  /** Its background run when {@code PollFlightInfo} submitted it; null otherwise. */
  public PolledQuery polled() {
    return polled;
  }

  void setPolled(PolledQuery polled) {
    this.polled = polled;
  }

  /** Whether the statement was cancelled (by the client, its session, or its timeout). */
  public boolean isCancelled() {
    return cancelled || state.get() == OperationState.CANCELLED;
  }

  /** @throws CancellationException when the statement was cancelled or timed out */
  public void checkNotCancelled() {
    if (isCancelled()) {
      throw cancellationException();
    }
  }

  /**
   * What the client is told: {@link StatementTimeoutException} (TIMED_OUT, naming the timeout)
   * after a timeout, else a {@link CancellationException} with the cancel's reason.
   */
  CancellationException cancellationException() {
    StatementTimeoutException t = timeout;
    if (t != null) {
      return t;
    }
    String reason = cancelReason;
    return new CancellationException("statement " + publicId() + " was cancelled"
        + (reason == null ? " (" + state.get() + ")" : ": " + reason));
  }
}
