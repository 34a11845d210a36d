package io.libra.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.it.TestGateway;
import java.util.Set;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The guard sees what a check of the parsed text cannot: EXECUTE IMMEDIATE, SQL function bodies,
 * CTAS queries. (The test gateway denies only TRANSFORM in Spark's own rule, so its tests can
 * sleep with java_method; reflection is checked here on analysed plans.)
 */
class SqlGuardTest {
  private static final String REFLECT = "reflect('java.lang.System', 'getProperty', 'user.name')";

  @Test
  void reflectionIsFoundInsideExecuteImmediateAndSqlFunctions() throws Exception {
    SparkSession spark = TestGateway.get().spark.newSession();
    Set<String> denied = SqlGuard.parse(SqlGuard.DEFAULT);
    LogicalPlan direct = spark.sql("SELECT " + REFLECT).queryExecution().analyzed();
    assertThrows(IllegalArgumentException.class, () -> SqlGuard.check(spark, direct, denied));
    LogicalPlan immediate = spark.sql("EXECUTE IMMEDIATE \"SELECT " + REFLECT.replace("'", "'")
        + "\"").queryExecution().analyzed();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SqlGuard.check(spark, immediate, denied));
    assertTrue(e.getMessage().contains("libra.sql.denied-functions"), e.getMessage());
    spark.sql("CREATE TEMPORARY FUNCTION guard_f() RETURNS STRING RETURN " + REFLECT);
    LogicalPlan udf = spark.sql("SELECT guard_f()").queryExecution().analyzed();
    assertThrows(IllegalArgumentException.class, () -> SqlGuard.check(spark, udf, denied));
    LogicalPlan harmless = spark.sql("SELECT upper('x')").queryExecution().analyzed();
    assertDoesNotThrow(() -> SqlGuard.check(spark, harmless, denied));
  }

  @Test
  void transformIsRefusedBySparkItselfEvenInsideCtasAndExecuteImmediate() throws Exception {
    SparkSession spark = TestGateway.get().spark.newSession();
    String transform = "SELECT TRANSFORM('x') USING 'id' AS (o STRING)";
    for (String sql : new String[] {transform, "EXECUTE IMMEDIATE \"" + transform + "\"",
        "CREATE TABLE guard_t USING parquet AS " + transform}) {
      Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect());
      assertTrue(String.valueOf(e.getMessage()).contains("TRANSFORM"), sql + ": " + e);
    }
    assertTrue(!spark.catalog().tableExists("guard_t"));
  }
}
