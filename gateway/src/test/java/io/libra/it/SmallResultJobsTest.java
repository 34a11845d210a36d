package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;

/**
 * A small result spread over many partitions costs few Spark jobs: all its partitions in one job
 * when Spark estimates the result small, or, when the estimate is large but the partitions turn
 * out small, the first two partitions and then the rest together (not one job per partition).
 */
class SmallResultJobsTest {

  /** Runs {@code sql} through JDBC; returns "sum of column 1 / rows / Spark jobs started". */
  private static String run(String sql) throws Exception {
    TestGateway gateway = TestGateway.get();
    SparkContext sc = gateway.spark.sparkContext();
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart event) {
        jobs.incrementAndGet();
      }
    };
    long sum = 0;
    int rows = 0;
    try (Connection c = gateway.connect(); Statement s = c.createStatement()) {
      sc.listenerBus().waitUntilEmpty();
      sc.addSparkListener(listener);
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          sum += rs.getLong(1);
          rows++;
        }
      }
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(listener);
    }
    return sum + " / " + rows + " / " + jobs.get();
  }

  @Test
  void aResultEstimatedSmallRunsAsOneJob() throws Exception {
    // 16 partitions of 100 rows; Spark estimates 12,800 bytes.
    assertEquals("1279200 / 1600 / 1", run("SELECT id FROM range(0, 1600, 1, 16)"));
  }

  @Test
  void smallPartitionsOfALargeEstimateRunTogetherAfterTheFirst() throws Exception {
    // Estimated at 128 MB (a filter keeps Spark's estimate), yet one row per partition.
    assertEquals("120000000 / 16 / 2",
        run("SELECT id FROM range(0, 16000000, 1, 16) WHERE id % 1000000 = 0"));
  }
}
