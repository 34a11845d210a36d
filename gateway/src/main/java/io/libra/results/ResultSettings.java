package io.libra.results;

/**
 * Limits of one result stream.
 *
 * @param maxRecordsPerBatch rows per Arrow record batch, at most
 * @param maxBatchBytes estimated bytes per record batch, at most (checked while converting)
 * @param prefetchPartitions partitions converted ahead of the one streaming
 * @param maxBufferedBytes bytes of converted, unsent partitions held on the driver before
 *     prefetching pauses
 * @param maxPartitionBytes Arrow bytes one result partition may convert to (the driver fetches a
 *     partition whole); larger fails the statement with RESOURCE_EXHAUSTED
 */
public record ResultSettings(int maxRecordsPerBatch, long maxBatchBytes, int prefetchPartitions,
    long maxBufferedBytes, long maxPartitionBytes) {}
