package io.libra.results;

/**
 * Limits of one result stream.
 *
 * @param maxRecordsPerBatch rows per Arrow record batch, at most
 * @param maxBatchBytes estimated bytes per record batch, at most (checked while converting)
 * @param prefetchPartitions partitions converted ahead of the one streaming
 * @param maxBufferedBytes bytes of converted, unsent result blocks of finished partitions (kept in
 *     Spark's BlockManager) before prefetching pauses
 * @param maxSpillBytes bytes of stored, unread result blocks one statement may hold before its
 *     tasks wait ({@code libra.results.max-spill-bytes}; {@link SpillBudget})
 * @param maxSpillBytesTotal bytes of stored, unread result blocks of all statements one executor
 *     (the gateway, with a local master) may hold ({@code libra.results.max-spill-bytes-total})
 * @param spillWaitMillis how long a task waits for room under {@code maxSpillBytesTotal} before
 *     its statement fails with RESOURCE_EXHAUSTED ({@code libra.results.spill-wait-seconds})
 * @param maxEndpoints most endpoints of one result ({@code libra.results.max-endpoints}; 0 = the
 *     SparkContext's default parallelism)
 * @param bytesPerEndpoint bytes of the result's size estimate per endpoint
 *     ({@code libra.results.bytes-per-endpoint})
 */
public record ResultSettings(int maxRecordsPerBatch, long maxBatchBytes, int prefetchPartitions,
    long maxBufferedBytes, long maxSpillBytes, long maxSpillBytesTotal, long spillWaitMillis,
    int maxEndpoints, long bytesPerEndpoint) {

  /** One endpoint per result. */
  public ResultSettings(int maxRecordsPerBatch, long maxBatchBytes, int prefetchPartitions,
      long maxBufferedBytes, long maxSpillBytes, long maxSpillBytesTotal, long spillWaitMillis) {
    this(maxRecordsPerBatch, maxBatchBytes, prefetchPartitions, maxBufferedBytes, maxSpillBytes,
        maxSpillBytesTotal, spillWaitMillis, 1, Long.MAX_VALUE);
  }

  /**
   * This settings' share for one of {@code endpoints} endpoints read at once: the buffered bytes
   * and the spill bound divided between them, so the statement's result budget covers all.
   */
  ResultSettings perEndpoint(int endpoints) {
    if (endpoints <= 1) {
      return this;
    }
    return new ResultSettings(maxRecordsPerBatch, maxBatchBytes, prefetchPartitions,
        Math.max(1L << 20, maxBufferedBytes / endpoints),
        Math.max(16L << 20, maxSpillBytes / endpoints), maxSpillBytesTotal, spillWaitMillis,
        1, Long.MAX_VALUE);
  }

  /**
   * The disk bound of the tasks of a statement computed ahead of its client
   * ({@link PartitionPrefetcher#runAhead}): no share per task (the run-ahead submits partitions
   * while the statement's stored blocks fit {@code maxSpillBytes}; a partition, once started, is
   * computed whole), the executor's total as always.
   */
  SpillBudget runAheadSpillBudget() {
    return new SpillBudget(Long.MAX_VALUE, maxSpillBytesTotal, spillWaitMillis);
  }

  /** The disk bound of one statement's tasks ({@link SpillBudget}). */
  SpillBudget spillBudget() {
    // The partition being read and the ones prefetched run at once.
    return SpillBudget.forStatement(maxSpillBytes, maxSpillBytesTotal, spillWaitMillis,
        prefetchPartitions + 1);
  }
}
