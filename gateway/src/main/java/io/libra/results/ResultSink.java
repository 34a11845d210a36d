package io.libra.results;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Where a statement's result goes: the schema, then record batches, then the end, with
 * backpressure and the client's cancel. The front door implements it (Flight's {@code DoGet}
 * stream: {@code io.libra.flight.FlightResultSink}); nothing below it sees a wire type.
 *
 * <p>Calls come from one thread: {@link #start} once, {@link #putNext} per batch (the root's
 * vectors hold it), {@link #completed} once after the last batch. Errors are reported by the
 * caller that owns the sink, not through it.
 */
public interface ResultSink {
  /** Sends the schema of {@code root}; every later batch is loaded into this root. */
  void start(VectorSchemaRoot root);

  /** Sends the batch the root holds now. */
  void putNext();

  /** Ends the stream after the last batch. */
  void completed();

  /** Whether the client can take another batch now (transport flow control). */
  boolean isReady();

  /** Runs {@code handler} whenever the client becomes ready again. */
  void setOnReadyHandler(Runnable handler);

  /** Runs {@code handler} once if the client cancels the stream or goes away. */
  void setOnCancelHandler(Runnable handler);

  /** Whether the client has cancelled the stream. */
  boolean isCancelled();
}
