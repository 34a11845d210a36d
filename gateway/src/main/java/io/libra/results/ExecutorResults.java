package io.libra.results;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SQLExecution$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;

/**
 * Executor-direct results: a query's result computed into result blocks on the executors that
 * run its tasks (every partition stored, none returned to the driver), then one endpoint per
 * executor holding blocks, located at that executor's result server ({@link ExecutorEndpoints},
 * {@link ExecutorResultServer}) with a signed {@link DirectTicket} naming its blocks. The
 * gateway never reads the result bytes. Runs in {@code GetFlightInfo}: the endpoints' locations
 * are known only once the blocks exist.
 *
 * <p>Memory: the whole result waits on the executors' storage (memory, then disk) until read, so
 * only results Spark estimates within {@code libra.results.max-spill-bytes} go this way; each
 * executor bounds its result blocks by {@code libra.results.max-spill-bytes-total} (a task
 * finding no room within {@code spill-wait-seconds} fails the statement with
 * RESOURCE_EXHAUSTED). Blocks are removed as they are served, and swept when the statement's
 * session closes, its tickets expire or it is cancelled ({@link #drop}).
 */
public final class ExecutorResults {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorResults.class);

  private ExecutorResults() {}

  /** One endpoint: the executor's location URI and the signed ticket bytes. */
  public record Endpoint(String uri, byte[] ticket) {}

  /**
   * A result stored on the executors.
   *
   * @param streamId the block name prefix's stream id (for {@link #drop})
   * @param rows rows stored, {@code bytes} Arrow IPC bytes stored
   */
  public record Stored(String streamId, List<Endpoint> endpoints, long rows, long bytes) {}

  /** What one task stored, and where. */
  record StoredPartition(String executorId, ResultBlocks.BlockRef[] refs, long rows)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Whether executor-direct fetch can serve results now: the plugin is installed and every live
   * executor reported its server (see {@link ExecutorEndpoints#usable}).
   */
  public static boolean available() {
    ExecutorEndpoints e = ExecutorEndpoints.get();
    return e != null && e.usable();
  }

  /**
   * Runs {@code dataset} into result blocks on the executors and lists their endpoints.
   *
   * @param beforeJob called before the Spark job is submitted (throws to stop: a cancel)
   * @param expiresAtMillis the tickets' expiry (epoch ms)
   * @return the endpoints, or null when direct fetch does not apply (not installed, an executor
   *     without a result server, rows already on the driver, an estimate over
   *     {@code max-spill-bytes}, an empty result): the gateway serves the result then
   */
  public static Stored store(Dataset<Row> dataset, Schema arrowSchema, ResultSettings settings,
      Runnable beforeJob, long expiresAtMillis) {
    ExecutorEndpoints endpoints = ExecutorEndpoints.get();
    if (endpoints == null || !endpoints.usable()) {
      return null;
    }
    QueryExecution qe = dataset.queryExecution();
    if (qe.executedPlan() instanceof LocalTableScanExec) {
      return null;
    }
    // The whole result waits on the executors: only one Spark estimates within the statement's
    // result budget (a larger one streams through the gateway, within the budget at any time).
    long estimate = ResultSizeEstimate.bytes(qe);
    if (estimate < 0 || estimate > settings.maxSpillBytes()) {
      LOG.info("result of about {} bytes (libra.results.max-spill-bytes {}): the gateway serves it",
          estimate, settings.maxSpillBytes());
      return null;
    }
    SparkContext sc = dataset.sparkSession().sparkContext();
    String streamId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String timeZone = ArrowTimeZone.of(
        dataset.sparkSession().sessionState().conf().sessionLocalTimeZone());
    // No share per task: nobody reads before every task has ended, a task must not wait for it.
    SpillBudget budget = new SpillBudget(Long.MAX_VALUE, settings.maxSpillBytesTotal(),
        settings.spillWaitMillis());
    StoredPartition[] parts;
    try {
      parts = SQLExecution$.MODULE$.withNewExecutionId(qe, Option.apply("libra direct result"),
          new AbstractFunction0<StoredPartition[]>() {
            @Override
            public StoredPartition[] apply() {
              JavaRDD<byte[]> rdd = ArrowBatchRdd.of(qe, dataset.schema(), timeZone,
                  settings.maxRecordsPerBatch(), settings.maxBatchBytes());
              beforeJob.run();
              return (StoredPartition[]) sc.runJob(rdd.rdd(), new DirectStore(
                  new ResultBlocks.Store(streamId, PartitionPrefetcher.BLOCK_BYTES,
                      ResultBlocks.storageLevel(sc.master()), budget, false)),
                  ClassTag$.MODULE$.apply(StoredPartition.class));
            }
          });
    } catch (Throwable t) {
      ResultBlocks.sweepAfterTasks(sc, List.of(), streamId);
      throw t;
    }
    Map<String, List<ResultBlocks.BlockRef>> byExecutor = new LinkedHashMap<>();
    long rows = 0;
    long bytes = 0;
    for (StoredPartition p : parts) {
      rows += p.rows();
      for (ResultBlocks.BlockRef r : p.refs()) {
        byExecutor.computeIfAbsent(p.executorId(), k -> new ArrayList<>()).add(r);
        bytes += r.bytes();
      }
    }
    List<Endpoint> out = new ArrayList<>();
    for (Map.Entry<String, List<ResultBlocks.BlockRef>> e : byExecutor.entrySet()) {
      ExecutorEndpoints.Address a = endpoints.of(e.getKey());
      if (a == null) {
        LOG.info("result {}: executor {} has no result server, the gateway serves the result",
            streamId, e.getKey());
        drop(sc, streamId);
        return null;
      }
      List<String> names = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (ResultBlocks.BlockRef r : e.getValue()) {
        names.add(r.name());
        counts.add(r.payloads());
      }
      out.add(new Endpoint(a.uri(), new DirectTicket(streamId, expiresAtMillis, arrowSchema, names,
          counts).sign(endpoints.secret())));
    }
    if (out.isEmpty()) {
      return null;
    }
    LOG.info("result {}: {} rows, {} bytes stored on {} executors for direct fetch", streamId,
        rows, bytes, out.size());
    return new Stored(streamId, out, rows, bytes);
  }

  /** Removes whatever is left of result {@code streamId} on the executors (now and later). */
  public static void drop(SparkContext sc, String streamId) {
    ResultBlocks.sweepAfterTasks(sc, List.of(), streamId);
  }

  /** Runs {@code action} (a {@link #drop}) after {@code delayMillis}, off the calling thread. */
  public static void later(long delayMillis, Runnable action) {
    ResultBlocks.later(delayMillis, action);
  }

  /**
   * The result stream a direct ticket belongs to, if its signature is this driver's (expired or
   * not), else null: CancelFlightInfo of an executor endpoint drops its result.
   */
  public static String streamOf(byte[] ticket) {
    ExecutorEndpoints e = ExecutorEndpoints.get();
    if (e == null || !DirectTicket.looksLikeOne(ticket)) {
      return null;
    }
    try {
      return DirectTicket.verify(e.secret(), ticket, 0).streamId();
    } catch (DirectTicket.InvalidTicketException invalid) {
      return null;
    }
  }

  /** Runs in the task: stores the partition as blocks, counts its rows, names its executor. */
  static final class DirectStore extends AbstractFunction1<Iterator<byte[]>, StoredPartition>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ResultBlocks.Store store;

    DirectStore(ResultBlocks.Store store) {
      this.store = store;
    }

    @Override
    public StoredPartition apply(Iterator<byte[]> it) {
      long[] rows = {0};
      Iterator<byte[]> counting = it.map(new AbstractFunction1<byte[], byte[]>() {
        @Override
        public byte[] apply(byte[] payload) {
          rows[0] += rowsOf(payload);
          return payload;
        }
      });
      ResultBlocks.BlockRef[] refs = store.apply(counting);
      return new StoredPartition(SparkEnv.get().executorId(), refs, rows[0]);
    }

    /** The record count in a payload's record batch header (no body read). */
    private static long rowsOf(byte[] payload) {
      try {
        ReadChannel in = new ReadChannel(new ByteArrayReadableSeekableByteChannel(payload));
        MessageMetadataResult meta = MessageSerializer.readMessage(in);
        if (meta != null && meta.getMessage().headerType() == MessageHeader.Schema) {
          meta = MessageSerializer.readMessage(in);
        }
        if (meta == null || meta.getMessage().headerType() != MessageHeader.RecordBatch) {
          return 0;
        }
        return ((RecordBatch) meta.getMessage().header(new RecordBatch())).length();
      } catch (IOException e) {
        return 0;
      }
    }
  }
}
