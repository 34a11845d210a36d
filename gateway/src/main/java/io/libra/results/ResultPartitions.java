package io.libra.results;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import scala.runtime.AbstractFunction1;

/**
 * How one query result is split into the endpoints of its FlightInfo: {@code endpoints}
 * contiguous groups of its partitions, endpoint {@code i} of {@code n} reading partitions
 * {@code [⌈i·P/n⌉, ⌈(i+1)·P/n⌉)} of the {@code P} the plan has when it runs, so the endpoints read in
 * order give the partitions in order. The partitions' Arrow payloads ({@link ArrowBatchRdd}) are
 * planned once, by the first endpoint read, and shared by all (a shuffle the plan needs runs
 * once). {@code ordered} says the result's order is its query's (a top-level sort): FlightInfo's
 * {@code ordered}.
 */
public final class ResultPartitions {
  private final int endpoints;
  private final boolean ordered;
  private JavaRDD<byte[]> payloads;

  private ResultPartitions(int endpoints, boolean ordered) {
    if (endpoints < 1) {
      throw new IllegalArgumentException("endpoints must be at least 1: " + endpoints);
    }
    this.endpoints = endpoints;
    this.ordered = ordered;
  }

  /** One endpoint reading every partition. */
  public static ResultPartitions single() {
    return new ResultPartitions(1, false);
  }

  /** {@code endpoints} groups of partitions; {@code ordered} as FlightInfo's flag. */
  public static ResultPartitions of(int endpoints, boolean ordered) {
    return new ResultPartitions(endpoints, ordered);
  }

  /** Number of endpoints, at least 1. */
  public int endpoints() {
    return endpoints;
  }

  /** Whether the result is in its query's order (a top-level sort). */
  public boolean ordered() {
    return ordered;
  }

  /** The result's payload RDD, built by {@code build} at the first call, the same one after. */
  synchronized JavaRDD<byte[]> payloads(java.util.function.Supplier<JavaRDD<byte[]>> build) {
    if (payloads == null) {
      payloads = build.get();
    }
    return payloads;
  }

  /**
   * First partition of endpoint {@code index} among {@code partitions}: {@code ⌈index·P/n⌉}, so
   * with fewer partitions than endpoints the first endpoints get them and the last are empty.
   */
  static int firstPartition(int partitions, int index, int endpoints) {
    return (int) (((long) partitions * index + endpoints - 1) / endpoints);
  }

  /**
   * Endpoint {@code index}'s partitions of {@code all}, in order ({@code PartitionPruningRDD}:
   * its tasks compute the parent's partitions, no copy); {@code all} itself for one endpoint.
   */
  JavaRDD<byte[]> slice(JavaRDD<byte[]> all, int index) {
    if (endpoints == 1) {
      return all;
    }
    int p = all.getNumPartitions();
    int from = firstPartition(p, index, endpoints);
    int to = firstPartition(p, index + 1, endpoints);
    return PartitionPruningRDD.create(all.rdd(), new InRange(from, to)).toJavaRDD();
  }

  /** Partition indices in {@code [from, to)}: a serializable filter for PartitionPruningRDD. */
  private static final class InRange extends AbstractFunction1<Object, Object>
      implements java.io.Serializable {
    private final int from;
    private final int to;

    InRange(int from, int to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public Object apply(Object index) {
      int i = (Integer) index;
      return i >= from && i < to;
    }
  }
}
