package io.libra.operation;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One statement's execution: an id, a {@link OperationState} machine that rejects illegal moves, and
 * the Spark job tag every job it starts carries ({@code SparkContext.addJobTag}), built from user,
 * session and operation id. Cancelling moves the state to CANCELLED, cancels the tag's jobs (with
 * task interruption) and interrupts the thread running it; jobs that start later are cancelled by
 * {@link #checkNotCancelled()} and by {@link #cancelLateJobs()} when the body ends.
 */
public final class Operation {
  private static final Logger LOG = LoggerFactory.getLogger(Operation.class);

  private final String id;
  private final String user;
  private final String sessionId;
  private final String sql;
  private final String jobTag;
  private final SparkContext sc;
  private final AtomicReference<OperationState> state =
      new AtomicReference<>(OperationState.PENDING);
  private volatile Thread runner;
  private volatile boolean delivered;

  private volatile long peakStoredBytes;
  private volatile long peakFetchedBytes;

  public Operation(String id, String user, String sessionId, String sql, SparkContext sc) {
    this.id = id;
    this.user = user;
    this.sessionId = sessionId;
    this.sql = sql;
    this.sc = sc;
    this.jobTag = "libra-user-" + safe(user) + "-session-" + shortId(sessionId) + "-op-" + id;
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9_.@-]", "_");
  }

  private static String shortId(String s) {
    return s.length() > 12 ? s.substring(0, 12) : s;
  }

  public String id() {
    return id;
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

  /** The Spark job tag of every job this operation starts. */
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
            "operation " + id + ": illegal transition " + current + " -> " + next);
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

  /** Marks the thread that runs the body (interrupted on cancel). */
  void bindRunner(Thread thread) {
    this.runner = thread;
  }

  /**
   * Cancels: PENDING or RUNNING → CANCELLED, Spark jobs with this tag cancelled (twice, to cover a
   * job starting concurrently), the running thread interrupted.
   *
   * @return whether this call cancelled it (false when it had already ended)
   */
  public boolean cancel(String reason) {
    if (delivered) {
      return false;
    }
    boolean moved = tryTransition(OperationState.CANCELLED);
    if (moved) {
      LOG.info("operation {} cancelled: {}", id, reason);
      sc.cancelJobsWithTag(jobTag, reason);
      Thread t = runner;
      if (t != null) {
        t.interrupt();
      }
      sc.cancelJobsWithTag(jobTag, reason);
    }
    return moved;
  }

  /**
   * The client has the whole result: a cancel arriving now (a client closing its finished stream)
   * changes nothing.
   */
  public void markDelivered() {
    delivered = true;
  }

  /**
   * Result memory of this operation's stream: the most result-block bytes stored at once for
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

  /** @throws CancellationException when the operation was cancelled */
  public void checkNotCancelled() {
    if (state.get() == OperationState.CANCELLED) {
      throw new CancellationException("operation " + id + " was cancelled");
    }
  }

  /** After the body: jobs submitted after a cancel are cancelled too. */
  void cancelLateJobs() {
    if (state.get() == OperationState.CANCELLED) {
      sc.cancelJobsWithTag(jobTag, "operation cancelled");
    }
  }
}
