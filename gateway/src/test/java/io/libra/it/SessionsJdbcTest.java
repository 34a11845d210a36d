package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each JDBC connection is its own session: SET, USE and temporary views stay private. */
class SessionsJdbcTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
  }

  private static String one(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getString(rs.getMetaData().getColumnCount());
    }
  }

  @Test
  void writesThroughOneConnectionAreReadFreshByAnother() throws Exception {
    try (Connection a = gateway.connect(); Connection b = gateway.connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("DROP TABLE IF EXISTS default.shared_writes");
      sa.execute("CREATE TABLE default.shared_writes (v INT) USING parquet");
      sa.execute("INSERT INTO default.shared_writes VALUES (1)");
      // b resolves (and Spark caches, per session) the table with its file listing.
      assertEquals("1", one(sb, "SELECT count(*) FROM default.shared_writes"));
      sa.execute("INSERT INTO default.shared_writes VALUES (2)");
      assertEquals("2", one(sb, "SELECT count(*) FROM default.shared_writes"));
      // An overwrite deletes the files b listed: b must not try to read them.
      sa.execute("INSERT OVERWRITE TABLE default.shared_writes VALUES (5)");
      assertEquals("5", one(sb, "SELECT max(v) FROM default.shared_writes"));
      assertEquals("1", one(sb, "SELECT count(*) FROM default.shared_writes"));
    }
  }

  @Test
  void setUseAndTempViewsAreInvisibleToOtherConnections() throws Exception {
    String rootPartitions = gateway.spark.conf().get("spark.sql.shuffle.partitions");
    try (Connection a = gateway.connect(); Connection b = gateway.connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("SET spark.sql.shuffle.partitions=7");
      sa.execute("USE tpch");
      sa.execute("CREATE TEMPORARY VIEW only_a AS SELECT 1 AS x");
      assertEquals("7", one(sa, "SET spark.sql.shuffle.partitions"));
      assertEquals("tpch", one(sa, "SELECT current_database()"));
      assertEquals("25", one(sa, "SELECT count(*) FROM nation"));
      assertEquals("1", one(sa, "SELECT x FROM only_a"));

      // The temporary view is listed, with its columns, for its own connection only.
      try (ResultSet rs = a.getMetaData().getTables(null, "tpch", "only_a", null)) {
        assertTrue(rs.next());
        assertEquals("LOCAL TEMPORARY", rs.getString("TABLE_TYPE"));
      }
      try (ResultSet rs = a.getMetaData().getColumns(null, "tpch", "only_a", "%")) {
        assertTrue(rs.next());
        assertEquals("x", rs.getString("COLUMN_NAME"));
      }
      try (ResultSet rs = b.getMetaData().getTables(null, null, "only_a", null)) {
        assertFalse(rs.next());
      }
      assertEquals(rootPartitions, one(sb, "SET spark.sql.shuffle.partitions"));
      assertNotEquals("7", rootPartitions);
      assertEquals("default", one(sb, "SELECT current_database()"));
      SQLException e = assertThrows(SQLException.class, () -> one(sb, "SELECT x FROM only_a"));
      assertTrue(e.getMessage().contains("TABLE_OR_VIEW_NOT_FOUND"), e.getMessage());
    }
  }

  @Test
  void catalogUrlPropertySetsTheSessionCatalog() throws Exception {
    Connection c = DriverManager.getConnection(gateway.jdbcUrl() + "&catalog=spark_catalog");
    try (Statement s = c.createStatement()) {
      assertEquals("spark_catalog", one(s, "SELECT current_catalog()"));
    }
    // Driver 18.3.0 bug: with catalog= it closes its client twice and the second CloseSession
    // fails on the already shut-down channel (ArrowFlightConnection.close). The server saw the first.
    try {
      c.close();
    } catch (SQLException e) {
      assertTrue(e.getMessage().contains("Channel shutdown invoked"), e.getMessage());
    }
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(gateway.jdbcUrl() + "&catalog=no_such_catalog").close());
    assertTrue(e.getMessage().contains("catalog"), e.getMessage());
  }

  @Test
  void aNewConnectionReusesTheCodeAnotherCompiled() throws Exception {
    // Spark's code generation caches compiled classes per class loader; with per-session
    // artifact isolation every session had its own executor class loader and compiled again.
    String sql = "SELECT id * 7 + 3 AS x, upper(CAST(id AS STRING)) AS s FROM range(10)"
        + " WHERE id % 3 = 1";
    com.codahale.metrics.Histogram compiles =
        org.apache.spark.metrics.source.CodegenMetrics.METRIC_COMPILATION_TIME();
    try (Connection a = gateway.connect(); Statement s = a.createStatement()) {
      assertEquals("93,3", sum(s, sql));
    }
    try (Connection b = gateway.connect(); Statement s = b.createStatement()) {
      long before = compiles.getCount();
      assertEquals("93,3", sum(s, sql));
      assertEquals(0, compiles.getCount() - before, "classes compiled for the second session");
    }
  }

  /** The sum of column 1 and the number of rows of column 2, as "sum,count". */
  private static String sum(Statement s, String sql) throws SQLException {
    long total = 0;
    int rows = 0;
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        total += rs.getLong(1);
        rows += rs.getString(2).isEmpty() ? 0 : 1;
      }
    }
    return total + "," + rows;
  }

  @Test
  void closedConnectionsLeaveNoAllocatedMemory() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (Connection c = gateway.connect(); Statement s = c.createStatement()) {
        assertEquals("60175", one(s, "SELECT count(*) FROM tpch.lineitem"));
      }
    }
    gateway.assertAllocatorReleased();
  }
}
