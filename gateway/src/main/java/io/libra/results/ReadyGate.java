package io.libra.results;

import java.util.concurrent.CancellationException;

/**
 * gRPC backpressure for one result stream: {@link #awaitReady()} blocks while the client's transport
 * is not ready ({@code isReady()} false), woken by the listener's onReady callback and re-checking
 * every 10 ms so a missed wake-up cannot stall a stream. When the client cancels the call,
 * {@code onCancel} runs once (the operation cancels its Spark jobs) and waiting ends.
 */
final class ReadyGate {
  private static final long RECHECK_MS = 10;

  private final ResultSink listener;
  private final Object lock = new Object();
  private volatile boolean cancelled;

  ReadyGate(ResultSink listener, Runnable onCancel) {
    this.listener = listener;
    listener.setOnReadyHandler(this::wake);
    listener.setOnCancelHandler(() -> {
      cancelled = true;
      wake();
      onCancel.run();
    });
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  boolean isCancelled() {
    return cancelled || listener.isCancelled();
  }

  /** @throws ArrowResultStream.ClientCancelledException when the client cancelled */
  void awaitReady() {
    synchronized (lock) {
      while (!listener.isReady()) {
        if (isCancelled()) {
          throw new ArrowResultStream.ClientCancelledException();
        }
        try {
          lock.wait(RECHECK_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("stream interrupted");
        }
      }
    }
    if (isCancelled()) {
      throw new ArrowResultStream.ClientCancelledException();
    }
  }
}
