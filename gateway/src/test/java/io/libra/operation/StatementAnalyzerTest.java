package io.libra.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.libra.it.TestGateway;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Classification without execution, on the shared test Spark session. */
class StatementAnalyzerTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    spark = TestGateway.get().spark.newSession();
  }

  private static StatementKind kind(String sql) throws Exception {
    return StatementAnalyzer.analyze(spark, sql).kind();
  }

  @Test
  void rowReturningStatementsAreQueries() throws Exception {
    assertEquals(StatementKind.QUERY, kind("SELECT 1"));
    assertEquals(StatementKind.QUERY, kind("WITH a AS (SELECT 1 x) SELECT * FROM a"));
    assertEquals(StatementKind.QUERY, kind("VALUES (1), (2)"));
    assertEquals(StatementKind.QUERY, kind("SHOW TABLES"));
    assertEquals(StatementKind.QUERY, kind("SHOW DATABASES"));
    assertEquals(StatementKind.QUERY, kind("DESCRIBE TABLE tpch.nation"));
    assertEquals(StatementKind.QUERY, kind("EXPLAIN SELECT 1"));
    assertEquals(StatementKind.QUERY, kind("SET spark.sql.shuffle.partitions=3"));
    assertEquals(2, StatementAnalyzer.analyze(spark, "SET a.b=c").schema().size());
  }

  @Test
  void ddlAndDmlAreUpdatesAndAreNotExecuted() throws Exception {
    assertEquals(StatementKind.UPDATE, kind("CREATE TABLE sa_never (id INT) USING parquet"));
    assertEquals(StatementKind.UPDATE, kind("CREATE TABLE sa_never2 USING parquet AS SELECT 1"));
    assertEquals(StatementKind.UPDATE, kind("INSERT INTO sa_never VALUES (1)"));
    assertEquals(StatementKind.UPDATE, kind("DROP TABLE IF EXISTS tpch.nation"));
    assertEquals(StatementKind.UPDATE, kind("USE tpch"));
    assertEquals(StatementKind.UPDATE, kind("CREATE OR REPLACE TEMP VIEW sa_v AS SELECT 1"));
    assertFalse(spark.catalog().tableExists("sa_never"));
    assertFalse(spark.catalog().tableExists("sa_never2"));
    assertFalse(spark.catalog().tableExists("sa_v"));
    assertEquals("default", spark.catalog().currentDatabase());
    assertEquals(true, spark.catalog().tableExists("tpch.nation"));
  }

  @Test
  void errorsAreSparks() {
    assertThrows(ParseException.class, () -> kind("SELEC 1"));
    assertThrows(AnalysisException.class, () -> kind("SELECT * FROM nope"));
  }
}
