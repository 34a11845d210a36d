package io.libra.results;

/**
 * Thrown inside a Spark task when one result partition converts to more Arrow bytes than
 * {@code libra.results.max-partition-bytes}: a partition is the unit the driver fetches, so this
 * bounds the driver memory one partition can take (Flight RESOURCE_EXHAUSTED).
 */
public final class PartitionTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PartitionTooLargeException(int partition, long limit) {
    super("result partition " + partition + " is larger than " + limit
        + " bytes of Arrow data (libra.results.max-partition-bytes): split the query into more"
        + " partitions (for example the /*+ REPARTITION(64) */ hint or range(start, end, step,"
        + " partitions)), or raise the limit");
  }
}
