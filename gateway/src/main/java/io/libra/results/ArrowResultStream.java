package io.libra.results;

import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SQLExecution$;
import org.apache.spark.sql.Row;
import scala.Option;
import scala.runtime.AbstractFunction0;

/**
 * Streams a Dataset to a {@link ResultSink} (a Flight {@code DoGet} stream) as Arrow record batches.
 *
 * <p>Flow: the schema is sent first (so an empty result is a schema and zero batches); the plan runs
 * under a new SQL execution id (visible in the Spark UI's SQL tab); partitions are converted to
 * Arrow IPC on the executors ({@link ArrowBatchRdd}) and fetched in order with bounded look-ahead
 * ({@link PartitionPrefetcher}); each batch is loaded into one reused {@link VectorSchemaRoot} and
 * sent only when the client's transport is ready (gRPC {@code isReady()} backpressure,
 * {@link ReadyGate}). If the client goes away the operation is told ({@link StreamControl}) and the
 * remaining Spark jobs are cancelled.
 */
public final class ArrowResultStream {

  /** Why a stream ended early because the client cancelled. */
  public static final class ClientCancelledException extends RuntimeException {
    public ClientCancelledException() {
      super("the client cancelled the stream");
    }
  }

  private final ResultSettings settings;

  public ArrowResultStream(ResultSettings settings) {
    this.settings = settings;
  }

  /**
   * Runs {@code dataset} and writes it to {@code listener}; completes the listener on success.
   * On failure the caller reports the error (the listener is left open for it).
   *
   * @param arrowSchema the schema promised in the FlightInfo ({@link SparkArrowSchema})
   * @param allocator memory for the batches; everything allocated is released before returning
   * @param control the operation's cancel hooks
   * @return rows sent
   * @throws ClientCancelledException when the client cancelled the call
   */
  public long stream(Dataset<Row> dataset, Schema arrowSchema, BufferAllocator allocator,
      ResultSink listener, StreamControl control) {
    return stream(dataset, arrowSchema, allocator, listener, control, ResultPartitions.single(), 0);
  }

  /**
   * Endpoint {@code endpoint} of a result split into {@code partitions.endpoints()}: as
   * {@link #stream(Dataset, Schema, BufferAllocator, ResultSink, StreamControl)}, for that
   * endpoint's group of partitions ({@link ResultPartitions}), within its share of the result
   * budget ({@code max-buffered-bytes} and {@code max-spill-bytes} divided among the endpoints).
   * Rows the driver holds already (a local scan, no Spark job) all go to endpoint 0.
   */
  public long stream(Dataset<Row> dataset, Schema arrowSchema, BufferAllocator allocator,
      ResultSink listener, StreamControl control, ResultPartitions partitions, int endpoint) {
    ResultSettings settings = this.settings.perEndpoint(partitions.endpoints());
    ReadyGate gate = new ReadyGate(listener, control::onClientCancel);
    QueryExecution qe = dataset.queryExecution();
    String timeZone = ArrowTimeZone.of(
        dataset.sparkSession().sessionState().conf().sessionLocalTimeZone());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(arrowSchema, allocator)) {
      listener.start(root);
      long rows = SQLExecution$.MODULE$.withNewExecutionId(qe, Option.apply("libra stream"),
          new AbstractFunction0<Long>() {
            @Override
            public Long apply() {
              if (qe.executedPlan() instanceof LocalTableScanExec && endpoint > 0) {
                control.onReady();
                return 0L;
              }
              if (qe.executedPlan() instanceof LocalTableScanExec local) {
                // The rows are on the driver already: convert them here, no Spark job.
                java.util.Iterator<byte[]> payloads = ArrowBatchRdd.local(
                    (InternalRow[]) local.executeCollect(), dataset.schema(), timeZone,
                    settings.maxRecordsPerBatch(), settings.maxBatchBytes());
                control.onReady();
                try (PayloadSource source = new PayloadSource() {
                  @Override
                  public byte[] next() {
                    return payloads.hasNext() ? payloads.next() : null;
                  }

                  @Override
                  public void close() {
                    if (payloads instanceof DirectArrowWriter w) {
                      w.close();
                    }
                  }
                }) {
                  return sendAll(source, root, allocator, listener, gate, control);
                }
              }
              JavaRDD<byte[]> batches = partitions.slice(partitions.payloads(
                  () -> ArrowBatchRdd.of(qe, dataset.schema(), timeZone,
                      settings.maxRecordsPerBatch(), settings.maxBatchBytes())), endpoint);
              boolean ahead = control.runAhead();
              long estimate = ResultSizeEstimate.bytes(qe);
              try (PartitionPrefetcher prefetcher = new PartitionPrefetcher(
                  dataset.sparkSession().sparkContext(), batches, settings.prefetchPartitions(),
                  settings.maxBufferedBytes(), control::beforeJob,
                  estimate < 0 ? estimate : estimate / partitions.endpoints(),
                  ahead ? settings.runAheadSpillBudget() : settings.spillBudget())) {
                try {
                  if (ahead) {
                    runAhead(prefetcher, settings.maxSpillBytes());
                  }
                  control.onReady();
                  return sendAll(prefetcher, root, allocator, listener, gate, control);
                } finally {
                  control.onResultMemory(prefetcher.peakBufferedBytes(),
                      prefetcher.peakFetchedBytes());
                }
              }
            }
          });
      control.beforeComplete();
      listener.completed();
      return rows;
    }
  }

  /**
   * How a planned query's result is split into endpoints (at {@code GetFlightInfo}, before it
   * runs): one endpoint for a result under twice {@code libra.results.bytes-per-endpoint} by
   * Spark's size estimate ({@link ResultSizeEstimate}), one without a trusted estimate, one for a
   * top-level sort (Arrow's JDBC driver 18.x returns the rows of several endpoints in the order
   * they arrive, which would lose the sort; the result is {@code ordered}), else one per
   * {@code bytes-per-endpoint} up to {@code libra.results.max-endpoints} (0: the SparkContext's
   * default parallelism) and the physical plan's partition count when it knows one. Runs Spark's
   * optimizer and planner, no job.
   */
  public ResultPartitions partitionsOf(Dataset<Row> dataset) {
    QueryExecution qe = dataset.queryExecution();
    boolean ordered = TopLevelSort.of(qe.optimizedPlan());
    int max = settings.maxEndpoints() == 0
        ? dataset.sparkSession().sparkContext().defaultParallelism() : settings.maxEndpoints();
    if (max <= 1 || ordered) {
      return ResultPartitions.of(1, ordered);
    }
    long estimate = ResultSizeEstimate.bytes(qe);
    if (estimate < 2 * settings.bytesPerEndpoint()) { // -1: no trusted estimate
      return ResultPartitions.single();
    }
    int endpoints = (int) Math.min(max, estimate / settings.bytesPerEndpoint());
    // The physical plan's partitioning, when it knows the count (a limit, a global window, a
    // one-slice range: one partition), caps the endpoints; AQE may still coalesce at run time.
    int known = 0;
    try {
      known = qe.executedPlan().outputPartitioning().numPartitions();
    } catch (RuntimeException e) {
      // planning fails the same way when the stream runs, with the error the client should see
    }
    if (known > 0) {
      endpoints = Math.min(endpoints, known);
    }
    return endpoints <= 1 ? ResultPartitions.single() : ResultPartitions.of(endpoints, false);
  }

  /**
   * Executor-direct: one endpoint per live executor for {@code dataset}'s result, its job to be
   * run by the caller ({@link ExecutorResults#start}), or null when direct fetch does not apply
   * (the gateway streams the result then).
   */
  public ExecutorResults.Started startOnExecutors(Dataset<Row> dataset, Schema arrowSchema,
      long expiresAtMillis) {
    return ExecutorResults.start(dataset, arrowSchema, settings, expiresAtMillis);
  }

  /** What the stream needs from the operation it belongs to. */
  public interface StreamControl {
    /** Called before each Spark job is submitted; throws to stop (for example when cancelled). */
    void beforeJob();

    /** Called once when the client cancels the call or drops the connection. */
    void onClientCancel();

    /**
     * Whether to compute the result ahead of the client ({@code PollFlightInfo}): before the
     * first batch is sent, partitions are computed into result blocks until all are stored or
     * they reach {@code libra.results.max-spill-bytes} ({@link PartitionPrefetcher#runAhead}).
     */
    default boolean runAhead() {
      return false;
    }

    /**
     * Called once the stream is about to send its first batch: after {@link #runAhead} when
     * computing ahead, at once otherwise.
     */
    default void onReady() {}

    /** Called after each batch handed to gRPC: its rows and Arrow buffer bytes. */
    default void onBatch(int rows, long bytes) {}

    /** Called just before the stream is completed: every batch has been handed to gRPC. */
    default void beforeComplete() {}

    /**
     * Called when the stream ends: the most result-block bytes stored at once and the largest
     * block fetched into the driver ({@link PartitionPrefetcher}).
     */
    default void onResultMemory(long peakStoredBytes, long peakFetchedBytes) {}
  }

  private static void runAhead(PartitionPrefetcher prefetcher, long budgetBytes) {
    try {
      prefetcher.runAhead(budgetBytes);
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("interrupted while computing ahead");
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private static long sendAll(PayloadSource prefetcher, VectorSchemaRoot root,
      BufferAllocator allocator, ResultSink listener, ReadyGate gate, StreamControl control) {
    VectorLoader loader = new VectorLoader(root);
    long rows = 0;
    try {
      byte[] payload;
      while ((payload = prefetcher.next()) != null) {
        gate.awaitReady();
        try (ArrowRecordBatch batch = readBatch(payload, allocator)) {
          loader.load(batch);
        }
        rows += root.getRowCount();
        listener.putNext();
        long bytes = 0;
        for (org.apache.arrow.vector.FieldVector v : root.getFieldVectors()) {
          bytes += v.getBufferSize();
        }
        control.onBatch(root.getRowCount(), bytes);
      }
      return rows;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /**
   * Reads one Spark Arrow IPC payload (schema message, record batch message, end marker): the
   * batch's body is copied once, from the payload into one Arrow buffer the batch's buffers slice.
   */
  static ArrowRecordBatch readBatch(byte[] payload, BufferAllocator allocator) throws IOException {
    ReadChannel in = new ReadChannel(new ByteArrayReadableSeekableByteChannel(payload));
    MessageMetadataResult meta = MessageSerializer.readMessage(in);
    if (meta != null && meta.getMessage().headerType() == MessageHeader.Schema) {
      meta = MessageSerializer.readMessage(in);
    }
    if (meta == null || meta.getMessage().headerType() != MessageHeader.RecordBatch) {
      throw new IOException("result payload without a record batch message");
    }
    long length = meta.getMessageBodyLength();
    // A batch whose columns are all of the null type has no body. deserializeRecordBatch takes
    // over (and releases) the body buffer.
    ArrowBuf body = length == 0 ? allocator.getEmpty() : allocator.buffer(length);
    if (length > 0) {
      body.setBytes(0, payload, (int) in.bytesRead(), length);
    }
    return MessageSerializer.deserializeRecordBatch(meta.getMessage(), body);
  }
}
