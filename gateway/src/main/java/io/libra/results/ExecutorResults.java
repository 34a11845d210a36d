package io.libra.results;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.CallStatus;
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
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Executor-direct results: a query's result computed into result blocks on the executors that
 * run its tasks (every partition stored, none returned to the driver) and streamed by the
 * executors' result servers ({@link ExecutorEndpoints}, {@link ExecutorResultServer}) while the
 * job still runs. {@link #start} lists one endpoint per live executor with a signed
 * {@link DirectTicket} before any task runs; {@link Started#run} then runs the job (the
 * statement's last step, in the background), each task reporting every block it stores so that
 * its executor's endpoint streams it at once ({@link DirectStream}). The gateway never reads the
 * result bytes.
 *
 * <p>Memory: stored blocks wait on the executors' storage (memory, then disk) until read, so
 * only results Spark estimates within {@code libra.results.max-spill-bytes} go this way; each
 * executor bounds its result blocks by {@code libra.results.max-spill-bytes-total} (a task
 * finding no room within {@code spill-wait-seconds} fails the statement with
 * RESOURCE_EXHAUSTED). Blocks are removed as they are served, and swept when the statement's
 * session closes, its tickets expire unread or it is cancelled ({@link Started#drop}). Not with
 * {@code spark.speculation} (two attempts of a task would race to own its partition's rows).
 */
public final class ExecutorResults {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorResults.class);

  private ExecutorResults() {}

  /** One endpoint: the executor's location URI and the signed ticket bytes. */
  public record Endpoint(String uri, byte[] ticket) {}

  /** What one task stored, and where. */
  record StoredPartition(String executorId, int attempt, ResultBlocks.BlockRef[] refs, long rows)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * A result whose endpoints are handed out and whose job is to run ({@link #run}).
   *
   * @param streamId the block name prefix's stream id
   */
  public record Started(String streamId, List<Endpoint> endpoints, Dataset<Row> dataset,
      ResultSettings settings, DirectStream stream) {
    /**
     * Runs the job (blocking; on the statement's thread, so under its pool and job tag): every
     * partition stored as blocks on its executor and queued for its endpoint as it is stored.
     *
     * @param beforeJob called before the Spark job is submitted (throws to stop: a cancel)
     * @return rows and Arrow IPC bytes stored
     * @throws RuntimeException the job's failure (report it with {@link #failed})
     */
    public long[] run(Runnable beforeJob) {
      QueryExecution qe = dataset.queryExecution();
      SparkContext sc = dataset.sparkSession().sparkContext();
      String timeZone = ArrowTimeZone.of(
          dataset.sparkSession().sessionState().conf().sessionLocalTimeZone());
      // No share per task: a task's blocks are read once stored, a task need not wait for that.
      SpillBudget budget = new SpillBudget(Long.MAX_VALUE, settings.maxSpillBytesTotal(),
          settings.spillWaitMillis());
      long[] totals = new long[2];
      SQLExecution$.MODULE$.withNewExecutionId(qe, Option.apply("libra direct result"),
          new AbstractFunction0<BoxedUnit>() {
            @Override
            public BoxedUnit apply() {
              JavaRDD<byte[]> rdd = ArrowBatchRdd.of(qe, dataset.schema(), timeZone,
                  settings.maxRecordsPerBatch(), settings.maxBatchBytes());
              beforeJob.run();
              sc.runJob(rdd.rdd(), new DirectStore(new ResultBlocks.Store(streamId,
                      PartitionPrefetcher.BLOCK_BYTES, ResultBlocks.storageLevel(sc.master()),
                      budget, true)),
                  new AbstractFunction2<Object, StoredPartition, BoxedUnit>() {
                    @Override
                    public BoxedUnit apply(Object partition, StoredPartition p) {
                      stream.partitionDone((Integer) partition, p.attempt(), p.executorId(),
                          p.refs());
                      synchronized (totals) {
                        totals[0] += p.rows();
                        for (ResultBlocks.BlockRef r : p.refs()) {
                          totals[1] += r.bytes();
                        }
                      }
                      return BoxedUnit.UNIT;
                    }
                  }, ClassTag$.MODULE$.apply(StoredPartition.class));
              return BoxedUnit.UNIT;
            }
          });
      stream.ended(null);
      LOG.info("result {}: {} rows, {} bytes stored on the executors for direct fetch", streamId,
          totals[0], totals[1]);
      return totals;
    }

    /**
     * The job failed or was cancelled: its endpoints' DoGets end with {@code status} (code,
     * description and trailers, as the gateway answered the statement).
     */
    public void failed(CallStatus status) {
      Map<String, byte[]> trailers = new LinkedHashMap<>();
      if (status.metadata() != null) {
        for (String k : status.metadata().keys()) {
          byte[] v = status.metadata().getByte(k);
          if (v != null) {
            trailers.put(k, v);
          }
        }
      }
      stream.ended(new DirectStream.Failure(status.code().name(),
          status.description() == null ? "the statement failed" : status.description(),
          trailers));
    }

    /**
     * Whether an endpoint is being read now: an expired result is kept until its reads end.
     */
    public boolean reading() {
      return stream.reading();
    }

    /**
     * Forgets the result: endpoints not being read are NOT_FOUND from now on (those being read
     * end NOT_FOUND at their next poll), and every block of it is removed from the executors,
     * now and after its tasks end ({@link ResultBlocks#sweepAfterTasks}).
     */
    public void drop(SparkContext sc) {
      ExecutorEndpoints e = ExecutorEndpoints.get();
      if (e != null) {
        e.close(streamId);
      }
      ResultBlocks.sweepAfterTasks(sc, List.of(), streamId);
    }
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
   * Opens an executor-direct result for {@code dataset}: one endpoint per live executor, its
   * job not yet run ({@link Started#run}).
   *
   * @param expiresAtMillis the tickets' expiry (epoch ms)
   * @return the result, or null when direct fetch does not apply (not installed, an executor
   *     without a result server, rows already on the driver, an estimate over
   *     {@code max-spill-bytes}, {@code spark.speculation} on): the gateway serves the result then
   */
  public static Started start(Dataset<Row> dataset, Schema arrowSchema, ResultSettings settings,
      long expiresAtMillis) {
    ExecutorEndpoints endpoints = ExecutorEndpoints.get();
    if (endpoints == null || !endpoints.usable()) {
      return null;
    }
    SparkContext sc = dataset.sparkSession().sparkContext();
    if (sc.getConf().getBoolean("spark.speculation", false)) {
      return null;
    }
    QueryExecution qe = dataset.queryExecution();
    if (qe.executedPlan() instanceof LocalTableScanExec) {
      return null;
    }
    // Blocks may wait on the executors: only a result Spark estimates within the statement's
    // result budget (a larger one streams through the gateway, within the budget at any time).
    long estimate = ResultSizeEstimate.bytes(qe);
    if (estimate < 0 || estimate > settings.maxSpillBytes()) {
      LOG.info("result of about {} bytes (libra.results.max-spill-bytes {}): the gateway serves it",
          estimate, settings.maxSpillBytes());
      return null;
    }
    List<String> executors = endpoints.liveExecutors();
    if (executors.isEmpty()) {
      return null;
    }
    String streamId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    List<Endpoint> out = new ArrayList<>();
    for (String id : executors) {
      ExecutorEndpoints.Address a = endpoints.of(id);
      out.add(new Endpoint(a.uri(), new DirectTicket(streamId, expiresAtMillis, arrowSchema, id)
          .sign(endpoints.secret())));
    }
    DirectStream stream = endpoints.open(streamId, executors);
    LOG.info("result {}: {} executor endpoints, streamed as its job runs", streamId, out.size());
    return new Started(streamId, out, dataset, settings, stream);
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
      ExecutorResultServer.taskProgress();
      return new StoredPartition(SparkEnv.get().executorId(),
          org.apache.spark.TaskContext.get().attemptNumber(), refs, rows[0]);
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
