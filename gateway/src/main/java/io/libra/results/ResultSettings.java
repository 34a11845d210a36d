package io.libra.results;

/**
 * Limits of one result stream.
 *
 * @param maxRecordsPerBatch rows per Arrow record batch, at most
 * @param maxBatchBytes estimated bytes per record batch, at most (checked while converting)
 * @param prefetchPartitions partitions converted ahead of the one streaming
 * @param maxBufferedBytes bytes of converted, unsent result blocks of finished partitions (kept in
 *     Spark's BlockManager) before prefetching pauses
 */
public record ResultSettings(int maxRecordsPerBatch, long maxBatchBytes, int prefetchPartitions,
    long maxBufferedBytes) {}
