package io.libra.results;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Hands out the partitions of an RDD of Arrow IPC payloads in partition order while Spark computes
 * the next ones: one Spark job per partition ({@code SparkContext.submitJob}), at most
 * {@code maxInFlight} partitions submitted-but-unconsumed, and no new submission while the finished
 * but unconsumed partitions hold {@code maxBufferedBytes} or more.
 *
 * <p>Jobs are submitted from the thread that calls {@link #next()}, so they inherit that thread's
 * Spark local properties (scheduler pool, job tag, SQL execution id). Not thread-safe: one consumer.
 */
public final class PartitionPrefetcher implements AutoCloseable {
  private final SparkContext sc;
  private final RDD<byte[]> rdd;
  private final int partitions;
  private final int maxInFlight;
  private final long maxBufferedBytes;
  private final AtomicReferenceArray<byte[][]> results;
  private final List<SimpleFutureAction<BoxedUnit>> actions = new ArrayList<>();
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final AtomicLong peakBufferedBytes = new AtomicLong();
  private final Runnable beforeSubmit;
  private final long maxPartitionBytes;
  private int nextToConsume;

  /**
   * @param batches one element per Arrow IPC payload
   * @param maxInFlight partitions computed ahead, at least 1
   * @param maxBufferedBytes byte budget for finished, unconsumed partitions
   */
  public PartitionPrefetcher(SparkContext sc, JavaRDD<byte[]> batches, int maxInFlight,
      long maxBufferedBytes) {
    this(sc, batches, maxInFlight, maxBufferedBytes, Long.MAX_VALUE, () -> { });
  }

  /**
   * @param beforeSubmit runs before each job submission; throwing from it stops the stream (the
   *     operation's cancellation check, so no job starts after a cancel)
   */
  public PartitionPrefetcher(SparkContext sc, JavaRDD<byte[]> batches, int maxInFlight,
      long maxBufferedBytes, long maxPartitionBytes, Runnable beforeSubmit) {
    this.beforeSubmit = beforeSubmit;
    this.maxPartitionBytes = maxPartitionBytes;
    this.sc = sc;
    this.rdd = batches.rdd();
    this.partitions = rdd.getNumPartitions();
    this.maxInFlight = Math.max(1, maxInFlight);
    this.maxBufferedBytes = maxBufferedBytes;
    this.results = new AtomicReferenceArray<>(partitions);
  }

  /** Highest number of converted bytes held at once, for tests and metrics. */
  public long peakBufferedBytes() {
    return peakBufferedBytes.get();
  }

  /**
   * Blocks until the next partition (in order) is converted and returns its Arrow IPC payloads;
   * {@code null} after the last one.
   *
   * @throws Exception the Spark job's failure (for example {@code SparkException} when cancelled)
   */
  public byte[][] next() throws Exception {
    if (nextToConsume >= partitions) {
      return null;
    }
    submitAhead();
    int index = nextToConsume++;
    actions.get(index).get();
    byte[][] batch = results.getAndSet(index, null);
    bufferedBytes.addAndGet(-size(batch));
    return batch;
  }

  private void submitAhead() {
    while (actions.size() < partitions
        && actions.size() - nextToConsume < maxInFlight
        && (actions.size() == nextToConsume || bufferedBytes.get() < maxBufferedBytes)) {
      submit(actions.size());
    }
  }

  private void submit(int partition) {
    beforeSubmit.run();
    SimpleFutureAction<BoxedUnit> action = sc.submitJob(rdd,
        new CollectPartition(maxPartitionBytes),
        CollectionConverters.asScala(List.<Object>of(partition)).toSeq(),
        new AbstractFunction2<Object, byte[][], BoxedUnit>() {
          @Override
          public BoxedUnit apply(Object index, byte[][] batch) {
            results.set(partition, batch);
            long now = bufferedBytes.addAndGet(size(batch));
            peakBufferedBytes.accumulateAndGet(now, Math::max);
            return BoxedUnit.UNIT;
          }
        },
        new AbstractFunction0<BoxedUnit>() {
          @Override
          public BoxedUnit apply() {
            return BoxedUnit.UNIT;
          }
        });
    actions.add(action);
  }

  private static long size(byte[][] batch) {
    long n = 0;
    if (batch != null) {
      for (byte[] b : batch) {
        n += b.length;
      }
    }
    return n;
  }

  /** Cancels every job still running and drops buffered partitions. */
  @Override
  public void close() {
    for (int i = nextToConsume; i < actions.size(); i++) {
      SimpleFutureAction<BoxedUnit> a = actions.get(i);
      if (!a.isCompleted()) {
        a.cancel();
      }
      results.set(i, null);
    }
    bufferedBytes.set(0);
  }

  /**
   * Runs in the Spark task: materialises one partition's payloads as an array, failing with
   * {@link PartitionTooLargeException} beyond {@code maxBytes}.
   */
  private static final class CollectPartition extends AbstractFunction1<Iterator<byte[]>, byte[][]>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long maxBytes;

    CollectPartition(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public byte[][] apply(Iterator<byte[]> it) {
      List<byte[]> out = new ArrayList<>();
      long bytes = 0;
      while (it.hasNext()) {
        byte[] b = it.next();
        bytes += b.length;
        if (bytes > maxBytes) {
          org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
          throw new PartitionTooLargeException(tc == null ? -1 : tc.partitionId(), maxBytes);
        }
        out.add(b);
      }
      return out.toArray(new byte[0][]);
    }
  }
}
