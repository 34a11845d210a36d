package io.libra.operation;

import io.libra.results.ResultSink;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The sink of a statement that runs before any client reads it (submitted by
 * {@code PollFlightInfo}): the stream writes here from the start, and the {@code DoGet} that later
 * reads the ticket {@link #attach attaches} its real sink. Until then the schema is kept,
 * {@link #isReady()} is false (the stream's backpressure waits), and a batch or the end blocks
 * until a reader attaches — or the statement's thread is interrupted (cancel, session close,
 * ticket expiry, timeout), which ends the wait with {@link CancellationException}.
 *
 * <p>One writer thread (the statement's) and one {@link #attach} call; the handlers set before
 * attaching are handed to the real sink then.
 */
final class DeferredSink implements ResultSink {
  private final CountDownLatch attached = new CountDownLatch(1);
  private ResultSink target;
  private VectorSchemaRoot root;
  private Runnable onReady;
  private Runnable onCancel;

  /**
   * Attaches the reader's sink: the schema (if the stream sent it already) goes out now.
   *
   * @throws IllegalStateException when a reader is attached already (a ticket is read once)
   */
  synchronized void attach(ResultSink sink) {
    if (target != null) {
      throw new IllegalStateException("this statement's result is read already");
    }
    target = sink;
    if (onReady != null) {
      sink.setOnReadyHandler(onReady);
    }
    if (onCancel != null) {
      sink.setOnCancelHandler(onCancel);
    }
    if (root != null) {
      sink.start(root);
    }
    attached.countDown();
  }

  /** Whether a reader has attached. */
  synchronized boolean isAttached() {
    return target != null;
  }

  private ResultSink awaitTarget() {
    try {
      attached.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("the statement ended while its result waited for a reader");
    }
    synchronized (this) {
      return target;
    }
  }

  @Override
  public synchronized void start(VectorSchemaRoot root) {
    this.root = root;
    if (target != null) {
      target.start(root);
    }
  }

  @Override
  public void putNext() {
    awaitTarget().putNext();
  }

  @Override
  public void completed() {
    awaitTarget().completed();
  }

  @Override
  public synchronized boolean isReady() {
    return target != null && target.isReady();
  }

  @Override
  public synchronized void setOnReadyHandler(Runnable handler) {
    onReady = handler;
    if (target != null) {
      target.setOnReadyHandler(handler);
    }
  }

  @Override
  public synchronized void setOnCancelHandler(Runnable handler) {
    onCancel = handler;
    if (target != null) {
      target.setOnCancelHandler(handler);
    }
  }

  @Override
  public synchronized boolean isCancelled() {
    return target != null && target.isCancelled();
  }
}
