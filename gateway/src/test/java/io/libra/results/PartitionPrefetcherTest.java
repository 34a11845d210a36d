package io.libra.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.it.TestGateway;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Ordered delivery through BlockManager blocks, the look-ahead, the byte budget, and cleanup: no
 * result block is left behind.
 */
class PartitionPrefetcherTest {
  private static final int PARTITIONS = 8;
  private static final int PAYLOAD = 1 << 20;

  private static JavaRDD<byte[]> payloads(SparkContext sc) {
    // Partition p yields two 1 MiB payloads whose first byte is p.
    return JavaSparkContext.fromSparkContext(sc)
        .parallelize(IntStream.range(0, PARTITIONS).boxed().toList(), PARTITIONS)
        .mapPartitions((Iterator<Integer> it) -> {
          List<byte[]> out = new ArrayList<>();
          while (it.hasNext()) {
            int p = it.next();
            for (int i = 0; i < 2; i++) {
              byte[] b = new byte[PAYLOAD];
              b[0] = (byte) p;
              out.add(b);
            }
          }
          return out.iterator();
        });
  }

  @Test
  void deliversPartitionsInOrderAndHoldsAtMostTheLookAhead() throws Exception {
    SparkContext sc = TestGateway.get().spark.sparkContext();
    int lookAhead = 3;
    try (PartitionPrefetcher p = new PartitionPrefetcher(sc, payloads(sc), lookAhead, 1L << 40)) {
      for (int expected = 0; expected < PARTITIONS; expected++) {
        for (int i = 0; i < 2; i++) {
          byte[] payload = p.next();
          assertEquals(PAYLOAD, payload.length);
          assertEquals(expected, payload[0]);
        }
        Thread.sleep(100); // a slow client: Spark finishes the look-ahead meanwhile
      }
      assertNull(p.next());
      assertTrue(p.peakBufferedBytes() <= (long) lookAhead * 2 * (PAYLOAD + 4),
          "peak " + p.peakBufferedBytes());
      assertTrue(p.peakBufferedBytes() >= 2L * 2 * PAYLOAD, "look-ahead did run ahead");
    }
    io.libra.it.TestGateway.assertNoResultBlocks(sc);
  }

  @Test
  void byteBudgetStopsFurtherPrefetching() throws Exception {
    SparkContext sc = TestGateway.get().spark.sparkContext();
    // A budget of two partitions: however slow the reader, at most two are stored unread.
    long budget = 2L * 2 * (PAYLOAD + 4);
    try (PartitionPrefetcher p = new PartitionPrefetcher(sc, payloads(sc), 8, budget)) {
      int seen = 0;
      byte[] payload;
      while ((payload = p.next()) != null) {
        assertEquals(seen++ / 2, payload[0]);
        Thread.sleep(50);
      }
      assertEquals(2 * PARTITIONS, seen);
      assertTrue(p.peakBufferedBytes() <= budget, "peak " + p.peakBufferedBytes());
      assertTrue(p.peakBufferedBytes() > budget / 2, "it did prefetch within the budget");
      assertTrue(p.peakFetchedBytes() <= 2L * (PAYLOAD + 4), "one block at a time");
    }
    io.libra.it.TestGateway.assertNoResultBlocks(sc);
  }

  @Test
  void thePartitionBeingReadCountsAgainstTheBudgetBeforeItArrives() throws Exception {
    SparkContext sc = TestGateway.get().spark.sparkContext();
    // 16 small partitions (270,000 bytes, returned inline); every fourth one's task is slow, so
    // it comes back after the three behind it — what a busy machine does at random.
    int partitions = 16;
    int size = 270_000;
    long budget = 1L << 20; // three such partitions and a bit
    JavaRDD<byte[]> rdd = JavaSparkContext.fromSparkContext(sc)
        .parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
        .mapPartitions((Iterator<Integer> it) -> {
          int p = it.next();
          if (p % 4 == 0 && p > 0) {
            Thread.sleep(400);
          }
          byte[] b = new byte[size];
          b[0] = (byte) p;
          return List.of(b).iterator();
        });
    try (PartitionPrefetcher p = new PartitionPrefetcher(sc, rdd, 8, budget)) {
      int seen = 0;
      byte[] payload;
      while ((payload = p.next()) != null) {
        assertEquals(seen++, payload[0]);
        Thread.sleep(30);
      }
      assertEquals(partitions, seen);
      // Without the reservation for the partition being read: 4 x 270,004 = 1,080,016 stored.
      assertTrue(p.peakBufferedBytes() <= budget, "peak " + p.peakBufferedBytes());
      assertTrue(p.peakBufferedBytes() >= 2L * size, "it prefetched: " + p.peakBufferedBytes());
    }
    io.libra.it.TestGateway.assertNoResultBlocks(sc);
  }

  /** Released by the reader once it has the first payload of a partition still being computed. */
  private static final java.util.concurrent.CountDownLatch FIRST_READ =
      new java.util.concurrent.CountDownLatch(1);

  /** Four payloads; before the third, waits until the reader has the first. */
  private static final class WaitsForFirstRead implements Iterator<byte[]> {
    private int n;

    @Override
    public boolean hasNext() {
      return n < 4;
    }

    @Override
    public byte[] next() {
      if (n == 2 && !await()) {
        throw new IllegalStateException("the first payloads were not read while the task ran");
      }
      byte[] b = new byte[PAYLOAD];
      b[0] = (byte) n++;
      return b;
    }

    private static boolean await() {
      try {
        return FIRST_READ.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  @Test
  void aRunningPartitionIsStreamedBeforeItsTaskEnds() throws Exception {
    SparkContext sc = TestGateway.get().spark.sparkContext();
    // One partition: a first block's worth of payloads, then the task waits for the reader to
    // have read them (local mode: one JVM) before yielding the rest. Read only at task end, the
    // task would time out and fail the job.
    JavaRDD<byte[]> rdd = JavaSparkContext.fromSparkContext(sc).parallelize(List.of(0), 1)
        .mapPartitions((Iterator<Integer> it) -> new WaitsForFirstRead());
    try (PartitionPrefetcher p = new PartitionPrefetcher(sc, rdd, 1, 1L << 40)) {
      assertEquals(0, p.next()[0]);
      FIRST_READ.countDown();
      for (int i = 1; i < 4; i++) {
        assertEquals(i, p.next()[0]);
      }
      assertNull(p.next());
      // The block read while the task ran never counts as stored and unread (the budget's measure).
      assertTrue(p.peakBufferedBytes() <= 3L * (PAYLOAD + 4), "stored " + p.peakBufferedBytes());
    }
    io.libra.it.TestGateway.assertNoResultBlocks(sc);
  }

  @Test
  void smallPartitionsRunTogetherWithinTheBudget() throws Exception {
    SparkContext sc = TestGateway.get().spark.sparkContext();
    int partitions = 12;
    int size = 300_000; // under the first block: returned inline, in groups
    JavaRDD<byte[]> rdd = JavaSparkContext.fromSparkContext(sc)
        .parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
        .map(p -> {
          byte[] b = new byte[size];
          b[0] = (byte) (int) p;
          return b;
        });
    long budget = 1L << 20; // three partitions
    try (PartitionPrefetcher p = new PartitionPrefetcher(sc, rdd, 2, budget)) {
      for (int expected = 0; expected < partitions; expected++) {
        assertEquals(expected, p.next()[0]);
        Thread.sleep(100); // a slow client: the jobs ahead finish meanwhile
      }
      assertNull(p.next());
      assertTrue(p.peakBufferedBytes() <= budget, "stored " + p.peakBufferedBytes());
      assertTrue(p.peakBufferedBytes() >= 2L * size, "it prefetched: " + p.peakBufferedBytes());
    }
    io.libra.it.TestGateway.assertNoResultBlocks(sc);
  }

  @Test
  void closingEarlyRemovesEveryBlock() throws Exception {
    SparkContext sc = TestGateway.get().spark.sparkContext();
    try (PartitionPrefetcher p = new PartitionPrefetcher(sc, payloads(sc), 4, 1L << 40)) {
      assertEquals(0, p.next()[0]);
      Thread.sleep(500); // let the look-ahead store blocks
    }
    io.libra.it.TestGateway.assertNoResultBlocks(sc);
  }
}
