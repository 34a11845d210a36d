package io.libra.operation;

import io.libra.results.ArrowResultStream;
import io.libra.results.ResultSink;
import io.libra.session.ClientSession;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a query statement ({@code DoGet} of its ticket): takes the ticket from the
 * caller's session (read once) and streams the planned Dataset to the {@link ResultSink} in a
 * child allocator of the session's, released on every path. COMPLETING is taken just before the
 * stream completes, by the same compare-and-set a cancel uses, so the client gets either its whole
 * result or CANCELLED.
 */
final class ResultStreamer {
  private static final Logger LOG = LoggerFactory.getLogger(ResultStreamer.class);

  private final OperationRunner runner;
  private final ArrowResultStream results;

  ResultStreamer(OperationRunner runner, ArrowResultStream results) {
    this.runner = runner;
    this.results = results;
  }

  long stream(StatementContext ctx, String ticketId, ResultSink sink) throws Exception {
    PendingQuery query = ctx.session().pending().take(ticketId);
    Operation op = query.operation();
    // The pool of the GetFlightInfo call, the DoGet call's cancellation.
    StatementContext streamCtx = query.context().withCall(ctx.call());
    ClientSession session = streamCtx.session();
    try (BufferAllocator allocator = session.allocator().newChildAllocator(
        "stream-" + op.publicId(), 0, Long.MAX_VALUE)) {
      if (query.dataset() == null) {
        return runner.execute(streamCtx, op, () -> {
          try (VectorSchemaRoot root = VectorSchemaRoot.create(query.arrowSchema(), allocator)) {
            sink.start(root);
            completing(op);
            sink.completed();
          }
          return 0L;
        });
      }
      return runner.execute(streamCtx, op, () -> {
        long t0 = System.nanoTime();
        long rows = results.stream(query.dataset(), query.arrowSchema(), allocator, sink,
            new ArrowResultStream.StreamControl() {
              @Override
              public void beforeJob() {
                op.checkNotCancelled();
              }

              @Override
              public void onClientCancel() {
                op.cancel("the client cancelled the stream");
              }

              @Override
              public void beforeComplete() {
                completing(op);
              }

              @Override
              public void onResultMemory(long peakStoredBytes, long peakFetchedBytes) {
                op.recordResultMemory(peakStoredBytes, peakFetchedBytes);
              }
            });
        LOG.info("statement {} streamed {} rows in {} ms (result blocks stored at most {} bytes,"
            + " largest block fetched {} bytes)", op.publicId(), rows,
            (System.nanoTime() - t0) / 1_000_000, op.peakStoredBytes(), op.peakFetchedBytes());
        return rows;
      });
    }
  }

  /** Takes COMPLETING before the last message; a cancel that came first wins instead. */
  static void completing(Operation op) {
    if (!op.tryComplete()) {
      throw op.cancellationException();
    }
  }
}
