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

/** Ordered delivery and the bound on converted-but-unsent bytes held on the driver. */
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
        byte[][] batch = p.next();
        assertEquals(2, batch.length);
        assertEquals(expected, batch[0][0]);
        Thread.sleep(100); // a slow client: Spark finishes the look-ahead meanwhile
      }
      assertNull(p.next());
      assertTrue(p.peakBufferedBytes() <= (long) lookAhead * 2 * PAYLOAD,
          "peak " + p.peakBufferedBytes());
      assertTrue(p.peakBufferedBytes() >= 2L * PAYLOAD, "look-ahead did run ahead");
    }
  }

  @Test
  void byteBudgetStopsFurtherPrefetching() throws Exception {
    SparkContext sc = TestGateway.get().spark.sparkContext();
    // Budget of one partition: once a finished partition waits, nothing new is submitted.
    try (PartitionPrefetcher p = new PartitionPrefetcher(sc, payloads(sc), 8, 2L * PAYLOAD)) {
      int seen = 0;
      byte[][] batch;
      while ((batch = p.next()) != null) {
        assertEquals(seen++, batch[0][0]);
        Thread.sleep(50);
      }
      assertEquals(PARTITIONS, seen);
      assertTrue(p.peakBufferedBytes() <= 8L * 2 * PAYLOAD, "peak " + p.peakBufferedBytes());
    }
  }
}
