package io.libra.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.it.TestGateway;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.Test;

/** Spark's size estimate is used only where it bounds the result: not past an explode. */
class ResultSizeEstimateTest {
  private static long estimate(String sql) throws Exception {
    SparkSession spark = TestGateway.get().spark;
    return ResultSizeEstimate.bytes(spark.sql(sql).queryExecution());
  }

  @Test
  void boundedPlansHaveAnEstimateAndGeneratorsDoNot() throws Exception {
    assertEquals(12_800, estimate("SELECT id FROM range(0, 1600, 1, 16)"));
    long scan = estimate("SELECT l_comment FROM tpch.lineitem WHERE l_orderkey = 1");
    assertTrue(scan > 0, "scan " + scan);
    long join = estimate("SELECT n_name, r_name FROM tpch.nation JOIN tpch.region"
        + " ON n_regionkey = r_regionkey ORDER BY n_name");
    assertTrue(join > 0, "join " + join);
    // 16 rows in, 4.8 million out: Spark estimates it from the 16 rows.
    assertEquals(-1, estimate("SELECT explode(sequence(1, 300000)) FROM range(0, 16, 1, 16)"));
  }
}
