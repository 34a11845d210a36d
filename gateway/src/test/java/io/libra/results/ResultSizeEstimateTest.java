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
    // A relation without statistics says nothing (Spark puts spark.sql.defaultSizeInBytes).
    assertEquals(-1, estimate("SELECT user FROM libra.sessions"));
  }

  @Test
  void aSortAtTheTopIsOrderedAndOnlyThere() throws Exception {
    SparkSession spark = TestGateway.get().spark;
    java.util.function.Predicate<String> ordered = sql ->
        TopLevelSort.of(spark.sql(sql).queryExecution().optimizedPlan());
    assertTrue(ordered.test("SELECT id, id * 2 AS x FROM range(10) ORDER BY x DESC"));
    assertTrue(ordered.test("SELECT id FROM range(10) ORDER BY id LIMIT 3"));
    assertTrue(ordered.test("SELECT * FROM (SELECT id FROM range(10) ORDER BY id) WHERE id > 2"));
    assertTrue(!ordered.test("SELECT id FROM range(10)"));
    assertTrue(!ordered.test("SELECT count(*) FROM (SELECT id FROM range(10) ORDER BY id)"));
    assertTrue(!ordered.test("SELECT id FROM range(10) SORT BY id"), "a per-partition sort");
  }

  @Test
  void endpointsTakeContiguousNearlyEqualGroupsOfEveryPartition() {
    for (int p = 0; p <= 40; p++) {
      for (int n = 1; n <= 9; n++) {
        int next = 0;
        for (int i = 0; i < n; i++) {
          int from = ResultPartitions.firstPartition(p, i, n);
          int to = ResultPartitions.firstPartition(p, i + 1, n);
          assertEquals(next, from, p + " partitions, " + n + " endpoints: contiguous");
          assertTrue(to - from == p / n || to - from == p / n + 1, "nearly equal");
          next = to;
        }
        assertEquals(p, next, "every partition once");
      }
    }
  }
}
