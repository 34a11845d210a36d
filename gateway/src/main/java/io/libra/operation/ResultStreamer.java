package io.libra.operation;

import io.libra.results.ArrowResultStream;
import io.libra.results.ResultSink;
import io.libra.session.ClientSession;
import java.util.concurrent.CancellationException;
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
    PolledQuery polled = op.polled();
    if (polled != null) { // running since its poll: this call reads what it writes
      return polled.read(sink, ctx.call());
    }
    // The pool of the GetFlightInfo call, the DoGet call's cancellation.
    StatementContext streamCtx = query.context().withCall(ctx.call());
    EndpointReads reads = query.reads();
    if (reads.count() == 1) {
      return runner.execute(streamCtx, op, body(query, sink, null, 0));
    }
    // One endpoint of several: a step of its own; the statement completes with the last.
    int endpoint = EndpointReads.parseIndex(ticketId.substring(ticketId.indexOf('/') + 1));
    boolean[] last = new boolean[1];
    long rows;
    try {
      rows = runner.step(streamCtx, op, body(query, sink, null, endpoint, last));
    } catch (Throwable t) {
      Throwable first = op.failure();
      op.abortSteps("another endpoint of its result failed: " + t.getMessage());
      if (first != null && first != t && !(first instanceof CancellationException)) {
        // This endpoint was stopped because another one failed: say so, not "interrupted".
        CancellationException c = new CancellationException("statement " + op.publicId()
            + " failed in another endpoint of its result: " + first.getMessage());
        c.initCause(t);
        throw c;
      }
      throw t;
    }
    if (last[0]) {
      runner.finish(streamCtx.session(), op);
    }
    return rows;
  }

  /**
   * Starts the last step of a planned query now, in the background ({@code PollFlightInfo}):
   * its result is computed ahead while the ticket waits in the session; {@link #stream} of the
   * ticket then reads it.
   *
   * @throws AdmissionException when the statement limits are reached (the statement is ended)
   * @throws HandleNotFoundException when the ticket is not this session's
   */
  PolledQuery startPolled(StatementContext ctx, String ticketId) throws Exception {
    PendingQuery query = ctx.session().pending().peek(ticketId);
    Operation op = query.operation();
    ClientSession session = query.context().session();
    PolledQuery polled = new PolledQuery(op, ticketId, query.arrowSchema(),
        session.spark().sparkContext(), op.submittedAt().plus(session.handleTtl()),
        runner.pollLeaseSeconds() * 1000L);
    op.setPolled(polled);
    // Not tied to the poll call: it ends with the statement (cancel, session, ticket expiry).
    StatementContext background = query.context().withCall(CallCancellation.NONE);
    java.util.concurrent.CompletableFuture<Long> finished;
    try {
      finished = runner.executeInBackground(background, op,
          body(query, polled.sink, polled, 0));
    } catch (Throwable t) {
      dropTicket(session, ticketId);
      throw t;
    }
    finished.whenComplete((rows, failure) -> {
      if (failure != null) {
        dropTicket(session, ticketId); // nothing left to read
      }
    });
    polled.running(finished);
    runner.watchLease(polled);
    return polled;
  }

  private static void dropTicket(ClientSession session, String ticketId) {
    try {
      session.pending().take(ticketId);
    } catch (HandleNotFoundException alreadyRead) {
      // read, expired or dropped with its session
    }
  }

  /**
   * The streaming step: {@code query} into {@code sink} in a child allocator of the session's,
   * released on every path; computed ahead first and reported ready to {@code polled} when not
   * null.
   */
  private OperationManager.Body<Long> body(PendingQuery query, ResultSink sink,
      PolledQuery polled, int endpoint) {
    return body(query, sink, polled, endpoint, new boolean[1]);
  }

  /**
   * ... of endpoint {@code endpoint}; {@code last[0]} is set when it is the last of its result's
   * endpoints to complete (then it took COMPLETING; the others only check for a cancel).
   */
  private OperationManager.Body<Long> body(PendingQuery query, ResultSink sink,
      PolledQuery polled, int endpoint, boolean[] last) {
    Operation op = query.operation();
    Runnable beforeComplete = () -> {
      if (query.reads().lastToComplete()) {
        last[0] = true;
        completing(op);
      } else {
        op.checkNotCancelled();
      }
    };
    ClientSession session = query.context().session();
    Runnable ready = () -> {
      if (polled != null) {
        polled.ready.complete(null);
      }
    };
    return () -> {
      try (BufferAllocator allocator = session.allocator().newChildAllocator(
          "stream-" + op.publicId(), 0, Long.MAX_VALUE)) {
        if (query.dataset() == null) {
          try (VectorSchemaRoot root = VectorSchemaRoot.create(query.arrowSchema(), allocator)) {
            ready.run();
            sink.start(root);
            beforeComplete.run();
            sink.completed();
          }
          return 0L;
        }
        long t0 = System.nanoTime();
        long rows = results.stream(query.dataset(), query.arrowSchema(), allocator, sink,
            new ArrowResultStream.StreamControl() {
              @Override
              public void beforeJob() {
                op.checkNotCancelled();
              }

              @Override
              public void onClientCancel() {
                OperationRunner.clientGone(op, "the client cancelled the stream");
              }

              @Override
              public boolean runAhead() {
                return polled != null;
              }

              @Override
              public void onReady() {
                ready.run();
              }

              @Override
              public void onBatch(int rows, long bytes) {
                op.sent(rows, bytes);
              }

              @Override
              public void beforeComplete() {
                beforeComplete.run();
              }

              @Override
              public void onResultMemory(long peakStoredBytes, long peakFetchedBytes) {
                op.recordResultMemory(peakStoredBytes, peakFetchedBytes);
              }
            }, query.reads().partitions(), endpoint);
        LOG.info("statement {} endpoint {}/{} streamed {} rows in {} ms (result blocks stored at"
            + " most {} bytes, largest block fetched {} bytes)", op.publicId(), endpoint,
            query.reads().count(), rows,
            (System.nanoTime() - t0) / 1_000_000, op.peakStoredBytes(), op.peakFetchedBytes());
        return rows;
      }
    };
  }

  /** Takes COMPLETING before the last message; a cancel that came first wins instead. */
  static void completing(Operation op) {
    if (!op.tryComplete()) {
      throw op.cancellationException();
    }
  }
}
