package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * All 22 TPC-H queries at scale 0.01 through the Arrow Flight SQL JDBC driver return exactly what
 * the same SQL returns from Spark in-process (same rows, same order, decimals exact).
 */
class TpchQueriesJdbcTest {
  private static TestGateway gateway;
  private static Connection connection;
  private static SparkSession reference;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
    connection = gateway.connect();
    try (Statement s = connection.createStatement()) {
      s.execute("USE tpch");
    }
    reference = gateway.spark.newSession();
    reference.sql("USE tpch");
  }

  @AfterAll
  static void stop() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.execute("USE default");
    }
    connection.close();
    gateway.assertAllocatorReleased();
  }

  static Stream<Integer> queries() {
    return IntStream.rangeClosed(1, 22).boxed();
  }

  @ParameterizedTest(name = "TPC-H Q{0}")
  @MethodSource("queries")
  void queryMatchesSparkInProcess(int q) throws Exception {
    String sql = new String(getClass().getResourceAsStream("/tpch/q" + q + ".sql").readAllBytes(),
        StandardCharsets.UTF_8);
    List<List<String>> expected = Values.sparkRows(reference.sql(sql).collectAsList());
    List<List<String>> actual;
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      actual = Values.jdbcRows(rs);
    }
    if (q != 22) {
      assertFalse(expected.isEmpty(), "reference result of Q" + q + " is empty");
    }
    assertEquals(expected, actual, "Q" + q);
  }

  @Test
  void lineitemHas60175Rows() throws Exception {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM tpch.lineitem")) {
      rs.next();
      assertEquals(60175L, rs.getLong(1));
    }
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM tpch.lineitem")) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      assertEquals(60175, n);
    }
  }
}
