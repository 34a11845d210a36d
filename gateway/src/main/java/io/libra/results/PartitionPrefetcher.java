package io.libra.results;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Hands out the Arrow IPC payloads of an RDD in partition order while Spark computes the next
 * partitions: Spark jobs ({@code SparkContext.submitJob}) whose tasks store the payloads as blocks
 * in the BlockManager ({@link ResultBlocks}); the driver fetches one block at a time, so a
 * partition of any size passes through the driver in pieces of at most {@link #BLOCK_BYTES}. The
 * partition being read is streamed while its task still runs: each block is fetched as soon as
 * the task has stored it (asking the BlockManagerMaster after waits of 1 to 4 ms), so converting a
 * partition and sending it overlap. A partition smaller than the first block comes back inline in
 * its task's result, with no block stored.
 *
 * <p>Jobs: the first runs the first two partitions (every partition, within the budget, of a
 * result whose estimated size is at most {@link #SMALL_GROUP_BYTES}); after that a job runs one
 * partition, or, once the largest finished partition is known to be small (inline), as many as
 * fit in {@link #SMALL_GROUP_BYTES} at that size — each Spark job costs milliseconds of
 * scheduling.
 *
 * <p>Look-ahead: the partition after the one being read always runs; more, up to
 * {@code maxInFlight} ahead (a group of small partitions may go past it), only while the stored,
 * unread bytes of finished partitions plus a reservation for every partition not back yet — the
 * ones ahead and the one being read — (each at the largest partition seen) fit in
 * {@code maxBufferedBytes}. With partitions no larger than those already
 * seen, the stored bytes of finished partitions never exceed the budget. Jobs are submitted from
 * the thread that calls {@link #next()}, so they inherit its Spark local properties (scheduler pool,
 * job tag, SQL execution id). Not thread-safe: one consumer.
 */
public final class PartitionPrefetcher implements PayloadSource {
  /** Target size of one stored block: several Arrow batches. */
  static final long BLOCK_BYTES = 8L << 20;
  /**
   * Longest wait for a running partition's next block before asking the BlockManagerMaster again;
   * the wait starts at 1 ms after a block arrived and doubles while none does, so a slow task costs
   * few lookups.
   */
  private static final long MAX_POLL_MILLIS = 4;
  /**
   * Small partitions (returned inline in their task results) run in one job, as many as fit in
   * this many bytes at the largest size seen: one job per partition would pay Spark's per-job
   * scheduling for each.
   */
  static final long SMALL_GROUP_BYTES = 8L << 20;

  private final SparkContext sc;
  private final RDD<byte[]> rdd;
  private final int partitions;
  private final int maxInFlight;
  private final long maxBufferedBytes;
  private final String streamId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final AtomicReferenceArray<ResultBlocks.BlockRef[]> results;
  private final List<SimpleFutureAction<BoxedUnit>> actions = new ArrayList<>();
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final AtomicLong peakBufferedBytes = new AtomicLong();
  private final AtomicLong largestPartitionBytes = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger arrivedPartitions =
      new java.util.concurrent.atomic.AtomicInteger();
  /**
   * Per partition: bytes of its blocks read while its job still ran, or {@link #DONE} once the job's
   * result was counted into {@link #bufferedBytes} (then a block read later is subtracted there).
   */
  private final AtomicLongArray readWhileRunning;
  /** Signalled when a partition's result arrives or a job ends. */
  private final Object arrivals = new Object();
  private static final long DONE = Long.MIN_VALUE;
  private final ArrayDeque<byte[]> payloads = new ArrayDeque<>();
  private final Runnable beforeSubmit;
  private final long estimatedBytes;
  private final SpillBudget spill;
  private volatile boolean closed;
  private long peakFetchedBytes;
  /** The partition being read, or -1. */
  private int reading = -1;
  /** Its blocks once its job is done; null while it runs. */
  private ResultBlocks.BlockRef[] current;
  private int nextBlock;
  private int nextToConsume;
  private long pollMillis = 1;

  /**
   * @param batches one element per Arrow IPC payload
   * @param maxInFlight partitions computed ahead, at least 1
   * @param maxBufferedBytes byte budget for stored, unread blocks of finished partitions
   */
  public PartitionPrefetcher(SparkContext sc, JavaRDD<byte[]> batches, int maxInFlight,
      long maxBufferedBytes) {
    this(sc, batches, maxInFlight, maxBufferedBytes, () -> { });
  }

  /**
   * @param beforeSubmit runs before each job submission; throwing from it stops the stream (the
   *     operation's cancellation check, so no job starts after a cancel)
   */
  public PartitionPrefetcher(SparkContext sc, JavaRDD<byte[]> batches, int maxInFlight,
      long maxBufferedBytes, Runnable beforeSubmit) {
    this(sc, batches, maxInFlight, maxBufferedBytes, beforeSubmit, -1);
  }

  /**
   * @param estimatedBytes an upper estimate of the whole result's size (Spark's
   *     {@code Statistics.sizeInBytes} of the optimized plan), or -1 if unknown: at most
   *     {@link #SMALL_GROUP_BYTES}, the first job runs every partition (as many as
   *     {@code maxBufferedBytes} holds at 1 MiB each), so a small result costs one Spark job
   */
  public PartitionPrefetcher(SparkContext sc, JavaRDD<byte[]> batches, int maxInFlight,
      long maxBufferedBytes, Runnable beforeSubmit, long estimatedBytes) {
    this(sc, batches, maxInFlight, maxBufferedBytes, beforeSubmit, estimatedBytes,
        SpillBudget.NONE);
  }

  /** @param spill the disk bound its tasks keep while storing blocks */
  PartitionPrefetcher(SparkContext sc, JavaRDD<byte[]> batches, int maxInFlight,
      long maxBufferedBytes, Runnable beforeSubmit, long estimatedBytes, SpillBudget spill) {
    this.spill = spill;
    this.estimatedBytes = estimatedBytes;
    this.beforeSubmit = beforeSubmit;
    this.sc = sc;
    this.rdd = batches.rdd();
    this.partitions = rdd.getNumPartitions();
    this.maxInFlight = Math.max(1, maxInFlight);
    this.maxBufferedBytes = maxBufferedBytes;
    this.results = new AtomicReferenceArray<>(partitions);
    this.readWhileRunning = new AtomicLongArray(partitions);
  }

  /** Highest number of stored, unread block bytes of finished partitions at once. */
  public long peakBufferedBytes() {
    return peakBufferedBytes.get();
  }

  /** Largest block fetched into the driver at once (its payloads are held until sent). */
  public long peakFetchedBytes() {
    return peakFetchedBytes;
  }

  /**
   * Blocks until the next payload (in partition order) is available and returns it; {@code null}
   * after the last one.
   *
   * @throws Exception the Spark job's failure (for example {@code SparkException} when cancelled)
   */
  @Override
  public byte[] next() throws Exception {
    while (payloads.isEmpty()) {
      if (reading < 0) {
        if (nextToConsume >= partitions) {
          return null;
        }
        submitAhead();
        reading = nextToConsume++;
        current = null;
        nextBlock = 0;
        submitAhead(); // the partition after it runs meanwhile
      }
      if (current == null && !awaitBlocks()) {
        continue;
      }
      if (nextBlock < current.length) {
        ResultBlocks.BlockRef ref = current[nextBlock];
        current[nextBlock++] = null;
        take(fetch(ref));
        bufferedBytes.addAndGet(-ref.bytes());
        submitAhead();
        continue;
      }
      reading = -1;
      current = null;
    }
    return payloads.poll();
  }

  /**
   * Computes the result ahead of any reader (a statement submitted by {@code PollFlightInfo}):
   * submits jobs — the first as {@link #next()} would, then, once partition sizes are known, as
   * many partitions as the stored, unread blocks plus a reservation for each partition not back
   * yet (at the largest size seen) fit in {@code budgetBytes} — and returns when every partition
   * is stored, or when every job submitted has finished and no further partition fits (the rest
   * runs as the reader reads, as in streaming). Call once, before the first {@link #next()}, from
   * the thread that will read (jobs inherit its Spark local properties).
   *
   * @param budgetBytes bytes of stored blocks to compute ahead ({@code libra.results.max-spill-bytes})
   * @throws Exception the failure of a job (a cancelled statement's jobs fail)
   * @throws InterruptedException when the calling thread is interrupted (the statement is cancelled)
   */
  public void runAhead(long budgetBytes) throws Exception {
    while (true) {
      int submitted = actions.size();
      int count = 0;
      if (submitted < partitions) {
        long largest = largestPartitionBytes.get();
        int notArrived = submitted - arrivedPartitions.get();
        if (submitted == 0) {
          count = groupSize(0);
        } else if (largest == 0) { // every partition so far was empty: size unknown
          count = notArrived == 0 ? partitions - submitted : 0;
        } else {
          count = (int) Math.max(0, Math.min(partitions - submitted,
              (budgetBytes - bufferedBytes.get()) / largest - notArrived));
        }
        if (count > 0) {
          submit(submitted, count);
          continue;
        }
      }
      boolean allDone = true;
      SimpleFutureAction<BoxedUnit> previous = null;
      for (SimpleFutureAction<BoxedUnit> action : actions) {
        if (action == previous) {
          continue;
        }
        previous = action;
        if (action.isCompleted()) {
          action.get(); // throws the job's failure
        } else {
          allDone = false;
        }
      }
      if (allDone) {
        return; // every partition is stored, or the budget holds no more
      }
      synchronized (arrivals) {
        arrivals.wait(100);
      }
    }
  }

  /**
   * For the partition being read while its job runs: reads the next block its task has already
   * stored (false: call again), or waits briefly for it; once the job is done, takes its block
   * list (true), minus the blocks read meanwhile.
   */
  private boolean awaitBlocks() throws Exception {
    ResultBlocks.BlockRef[] done = results.getAndSet(reading, null);
    SimpleFutureAction<BoxedUnit> action = actions.get(reading);
    if (done == null && action.isCompleted()) {
      action.get(); // throws the job's failure
      done = results.getAndSet(reading, null);
    }
    if (done != null) {
      if (nextBlock > 0 && !ResultBlocks.firstAttempt(streamId, reading, done)) {
        removeLater(done, 0);
        throw new IllegalStateException("result partition " + reading + " was recomputed after"
            + " part of it had been sent");
      }
      for (int i = 0; i < nextBlock; i++) { // read while the job ran: never counted as stored
        done[i] = null;
      }
      current = done;
      return true;
    }
    // Wait before asking the BlockManagerMaster: a small partition (returned inline) is done
    // within the wait and costs no lookup. The result handler and the job's end signal.
    synchronized (arrivals) {
      if (results.get(reading) == null && !action.isCompleted()) {
        arrivals.wait(pollMillis);
      }
    }
    if (results.get(reading) != null || action.isCompleted()) {
      return false; // done: its result is taken on the next call
    }
    // not done yet: look for the next block, and again a little later each time
    pollMillis = Math.min(MAX_POLL_MILLIS, pollMillis * 2);
    ResultBlocks.BlockRef early = ResultBlocks.stored(streamId, reading, nextBlock);
    if (early != null) {
      readWhileRunning(reading, take(fetch(early)));
      nextBlock++;
      pollMillis = 1;
    }
    return false;
  }

  /**
   * Fetches a block of the partition being read. A block that is gone because its job failed
   * (a failing task's job is cancelled, and its tasks' blocks go with them) reports the job's
   * failure — the error the client should see — once the job says so (within 5 s).
   */
  private List<byte[]> fetch(ResultBlocks.BlockRef ref) throws Exception {
    try {
      return ResultBlocks.fetch(ref);
    } catch (java.io.IOException gone) {
      SimpleFutureAction<BoxedUnit> action = actions.get(reading);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!action.isCompleted() && System.nanoTime() < deadline) {
        synchronized (arrivals) {
          arrivals.wait(5);
        }
      }
      if (action.isCompleted()) {
        action.get(); // throws the job's failure
      }
      throw gone;
    }
  }

  /** Queues a block's payloads; returns its stored size (as {@link ResultBlocks.BlockRef#bytes}). */
  private long take(List<byte[]> block) {
    long bytes = 0;
    for (byte[] b : block) {
      bytes += b.length + 4;
    }
    payloads.addAll(block);
    peakFetchedBytes = Math.max(peakFetchedBytes, bytes);
    return bytes;
  }

  /**
   * Submits jobs ahead while the budget allows: the next partition always; more only while the
   * stored bytes plus, for each partition ahead, the largest partition seen so far fit in
   * {@code maxBufferedBytes} (before any partition has finished, only the first job runs). A job's
   * partitions ({@link #groupSize}) are cut to what the budget holds at the largest size seen.
   */
  private void submitAhead() {
    while (actions.size() < partitions && actions.size() - nextToConsume < maxInFlight) {
      int from = actions.size();
      int ahead = from - nextToConsume;
      // The partition being read holds budget too until its result is counted: reserved at the
      // largest size seen (under load it can arrive after the partitions ahead of it).
      int reserved = ahead + unarrivedReading();
      int count = groupSize(from);
      long largest = largestPartitionBytes.get();
      if (largest > 0) { // no more than the budget holds, whether or not the job must run
        long room = (maxBufferedBytes - bufferedBytes.get()) / largest - reserved;
        count = (int) Math.max(1, Math.min(count, room));
      }
      if (ahead > 0 && !fitsBudget(reserved + count)) {
        return;
      }
      submit(from, count);
    }
  }

  /**
   * Partitions of the job starting at {@code from}: the first job runs the first two (the one read
   * first and the next, which always runs), or all of a result estimated small; once the largest
   * finished partition is known to be small (returned inline, at most
   * {@link ResultBlocks#FIRST_BLOCK_BYTES}), as many as fit in {@link #SMALL_GROUP_BYTES} at that
   * size; otherwise one. {@link #submitAhead} then cuts the count to the budget.
   */
  private int groupSize(int from) {
    int left = partitions - from;
    if (from == 0) {
      boolean small = estimatedBytes >= 0 && estimatedBytes <= SMALL_GROUP_BYTES;
      // A partition returned inline is under FIRST_BLOCK_BYTES: that many fit in the budget.
      long fit = Math.max(2, maxBufferedBytes / ResultBlocks.FIRST_BLOCK_BYTES);
      return (int) Math.min(left, small ? fit : 2);
    }
    long largest = largestPartitionBytes.get();
    if (largest <= 0 || largest > ResultBlocks.FIRST_BLOCK_BYTES) {
      return 1;
    }
    return (int) Math.max(1, Math.min(left, SMALL_GROUP_BYTES / largest));
  }

  /** 1 while the partition being read has not come back yet (its bytes are not counted), else 0. */
  private int unarrivedReading() {
    return reading >= 0 && readWhileRunning.get(reading) != DONE ? 1 : 0;
  }

  private boolean fitsBudget(int partitionsAhead) {
    long largest = largestPartitionBytes.get();
    return largest > 0
        && bufferedBytes.get() + (long) partitionsAhead * largest <= maxBufferedBytes;
  }

  /** Submits one job computing partitions {@code from} to {@code from + count - 1}. */
  private void submit(int from, int count) {
    beforeSubmit.run();
    List<Object> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(from + i);
    }
    SimpleFutureAction<BoxedUnit> action = sc.submitJob(rdd,
        new ResultBlocks.Store(streamId, BLOCK_BYTES, ResultBlocks.storageLevel(sc.master()), spill),
        CollectionConverters.asScala(ids).toSeq(),
        new AbstractFunction2<Object, ResultBlocks.BlockRef[], BoxedUnit>() {
          @Override
          public BoxedUnit apply(Object index, ResultBlocks.BlockRef[] refs) {
            int partition = from + (Integer) index; // index: position in the job's partitions
            try {
              arrived(partition, refs);
            } finally {
              signal();
            }
            return BoxedUnit.UNIT;
          }
        },
        new AbstractFunction0<BoxedUnit>() {
          @Override
          public BoxedUnit apply() {
            return BoxedUnit.UNIT;
          }
        });
    // A failed or cancelled job wakes the reader too.
    action.onComplete(new AbstractFunction1<scala.util.Try<BoxedUnit>, BoxedUnit>() {
      @Override
      public BoxedUnit apply(scala.util.Try<BoxedUnit> result) {
        signal();
        return BoxedUnit.UNIT;
      }
    }, scala.concurrent.ExecutionContext.parasitic$.MODULE$);
    for (int i = 0; i < count; i++) {
      actions.add(action);
    }
  }

  /** The result handler: partition {@code partition}'s task finished and stored {@code refs}. */
  private void arrived(int partition, ResultBlocks.BlockRef[] refs) {
    if (closed) {
      removeLater(refs, 0);
      return;
    }
    long size = size(refs);
    largestPartitionBytes.accumulateAndGet(size, Math::max);
    // Blocks the reader already took while the task ran are not stored-and-unread.
    long now = bufferedBytes.addAndGet(size - readWhileRunning.getAndSet(partition, DONE));
    peakBufferedBytes.accumulateAndGet(now, Math::max);
    results.set(partition, refs);
    arrivedPartitions.incrementAndGet();
    if (closed) { // closed meanwhile: close() may have missed these
      removeLater(results.getAndSet(partition, null), 0);
    }
  }

  private void signal() {
    synchronized (arrivals) {
      arrivals.notifyAll();
    }
  }

  /**
   * Accounts for a block of a running partition read before its job's result arrived: noted per
   * partition while the job runs, subtracted from the stored bytes if the result was counted since.
   */
  private void readWhileRunning(int partition, long bytes) {
    while (true) {
      long before = readWhileRunning.get(partition);
      if (before == DONE) {
        bufferedBytes.addAndGet(-bytes);
        return;
      }
      if (readWhileRunning.compareAndSet(partition, before, before + bytes)) {
        return;
      }
    }
  }

  private static long size(ResultBlocks.BlockRef[] refs) {
    long n = 0;
    for (ResultBlocks.BlockRef r : refs) {
      n += r.bytes();
    }
    return n;
  }

  /** Removes blocks off the calling thread (it may be Spark's scheduler thread). */
  private static void removeLater(ResultBlocks.BlockRef[] refs, int from) {
    if (refs == null || from >= refs.length) {
      return;
    }
    ResultBlocks.REMOVER.execute(() -> {
      for (int i = from; i < refs.length; i++) {
        if (refs[i] != null) {
          ResultBlocks.remove(refs[i]);
        }
      }
    });
  }

  /** Cancels every job still running and removes the blocks not read. */
  @Override
  public void close() {
    closed = true;
    removeLater(current, nextBlock);
    current = null;
    if (reading >= 0 && reading < actions.size()) {
      SimpleFutureAction<BoxedUnit> a = actions.get(reading);
      if (!a.isCompleted()) {
        a.cancel(); // its task removes what it stored
      }
      removeLater(results.getAndSet(reading, null), nextBlock);
    }
    payloads.clear();
    for (int i = nextToConsume; i < actions.size(); i++) {
      SimpleFutureAction<BoxedUnit> a = actions.get(i);
      if (!a.isCompleted() && (i == 0 || actions.get(i - 1) != a)) { // a job of several partitions
        a.cancel();
      }
      removeLater(results.getAndSet(i, null), 0);
    }
    bufferedBytes.set(0);
    java.util.Set<Integer> jobs = new java.util.LinkedHashSet<>();
    for (SimpleFutureAction<BoxedUnit> a : actions) {
      for (Object id : CollectionConverters.asJava(a.jobIds())) {
        jobs.add((Integer) id);
      }
    }
    ResultBlocks.sweepAfterTasks(sc, List.copyOf(jobs), streamId);
  }
}
