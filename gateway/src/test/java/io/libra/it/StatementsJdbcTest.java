package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Statements, updates, errors and metadata through the Arrow Flight SQL JDBC driver. */
class StatementsJdbcTest {
  private static TestGateway gateway;
  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
    connection = gateway.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    connection.close();
    TestGateway.get().assertAllocatorReleased();
  }

  @Test
  void rowsAlreadyOnTheDriverStreamWithoutASparkJob() throws Exception {
    String marker = "local-" + System.nanoTime();
    try (JobRecorder jobs = new JobRecorder(gateway.spark.sparkContext());
        Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT x + 1 AS x, m FROM VALUES (41, '" + marker
            + "'), (6, 'b') AS t(x, m)")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt("x"));
      assertEquals(marker, rs.getString("m"));
      assertTrue(rs.next());
      assertEquals(7, rs.getInt(1));
      assertFalse(rs.next());
      jobs.drain();
      assertEquals(0, jobs.started.stream().filter(j -> j.description().contains(marker))
          .count(), "a LocalTableScan result needs no Spark job");
    }
  }

  @Test
  void constantQueriesStreamWithoutASparkJob() throws Exception {
    String marker = "const-" + System.nanoTime();
    try (JobRecorder jobs = new JobRecorder(gateway.spark.sparkContext());
        Statement s = connection.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 1, '" + marker + "' AS m, 1 + 1 AS two,"
          + " 1.5 AS d, DATE'2024-02-29' AS day, CAST(NULL AS INT) AS n, upper('x') AS u")) {
        ResultSetMetaData md = rs.getMetaData();
        assertEquals("1", md.getColumnName(1));
        assertEquals("two", md.getColumnName(3));
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
        assertEquals(marker, rs.getString("m"));
        assertEquals(2, rs.getInt("two"));
        assertEquals(new java.math.BigDecimal("1.5"), rs.getBigDecimal("d"));
        assertEquals(java.sql.Date.valueOf("2024-02-29"), rs.getDate("day"));
        assertEquals(null, rs.getObject("n"));
        assertEquals("X", rs.getString("u"));
        assertFalse(rs.next());
      }
      // Not a constant: Spark's plan, one job.
      try (ResultSet rs = s.executeQuery("SELECT rand() AS r, '" + marker + "-rand'")) {
        assertTrue(rs.next());
        double r = rs.getDouble("r");
        assertTrue(r >= 0 && r < 1, "rand() = " + r);
        assertFalse(rs.next());
      }
      jobs.drain();
      List<String> ran = jobs.started.stream().map(JobRecorder.Job::description)
          .filter(d -> d.contains(marker)).toList();
      assertEquals(1, ran.size(), "only the rand() query runs a Spark job: " + jobs.started);
      assertTrue(ran.get(0).contains("rand()"), ran.toString());
    }
  }

  @Test
  void describeFunctionReturnsItsDescription() throws Exception {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE FUNCTION abs")) {
      assertEquals("function_desc", rs.getMetaData().getColumnName(1));
      List<String> lines = new ArrayList<>();
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
      assertTrue(lines.contains("Function: abs"), lines.toString());
    }
  }

  @Test
  void emptyResultKeepsColumns() throws Exception {
    // A PreparedStatement: the 18.3.0 driver's plain Statement path appends the prepared
    // statement's columns a second time when the result has no rows (ArrowFlightStatement
    // .executeFlightInfoQuery); FlightSqlClientTest checks the server's schema directly.
    try (java.sql.PreparedStatement s =
            connection.prepareStatement("SELECT id, CAST(id AS STRING) s FROM range(0)");
        ResultSet rs = s.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      assertEquals(2, md.getColumnCount());
      assertEquals("id", md.getColumnName(1));
      assertEquals("s", md.getColumnName(2));
      assertFalse(rs.next());
    }
  }

  @Test
  void joinKeepsDuplicateColumnNames() throws Exception {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT a.id, b.id FROM range(3) a JOIN range(3) b ON a.id = b.id ORDER BY 1")) {
      ResultSetMetaData md = rs.getMetaData();
      assertEquals(2, md.getColumnCount());
      assertEquals("id", md.getColumnName(1));
      assertEquals("id", md.getColumnName(2));
      List<Long> seen = new ArrayList<>();
      while (rs.next()) {
        assertEquals(rs.getLong(1), rs.getLong(2));
        seen.add(rs.getLong(1));
      }
      assertEquals(List.of(0L, 1L, 2L), seen);
    }
  }

  @Test
  void ddlAndDmlReturnUpdateCountsAndRunOnce() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.execute("DROP TABLE IF EXISTS stmt_t1");
      assertFalse(s.execute("CREATE TABLE stmt_t1 (id INT) USING parquet"));
      assertEquals(0, s.getUpdateCount());
      // Created exactly once: a second CREATE fails because the table exists.
      SQLException again = assertThrows(SQLException.class,
          () -> s.execute("CREATE TABLE stmt_t1 (id INT) USING parquet"));
      assertTrue(again.getMessage().contains("TABLE_OR_VIEW_ALREADY_EXISTS"), again.getMessage());
      assertEquals(2, s.executeUpdate("INSERT INTO stmt_t1 VALUES (1),(2)"));
      try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM stmt_t1")) {
        assertTrue(rs.next());
        assertEquals(2L, rs.getLong(1));
        assertEquals(3L, rs.getLong(2));
      }
      assertEquals(3, s.executeUpdate("INSERT INTO stmt_t1 SELECT id FROM range(3)"));
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM stmt_t1")) {
        assertTrue(rs.next());
        assertEquals(5L, rs.getLong(1));
      }
      s.execute("DROP TABLE stmt_t1");
    }
  }

  @Test
  void rowReturningCommandsAreQueries() throws Exception {
    try (Statement s = connection.createStatement()) {
      assertTrue(s.execute("SET spark.sql.shuffle.partitions=7"));
      try (ResultSet rs = s.getResultSet()) {
        assertTrue(rs.next());
        assertEquals("spark.sql.shuffle.partitions", rs.getString(1));
        assertEquals("7", rs.getString(2));
      }
      try (ResultSet rs = s.executeQuery("SET spark.sql.shuffle.partitions")) {
        assertTrue(rs.next());
        assertEquals("7", rs.getString(2));
      }
      s.execute("SET spark.sql.shuffle.partitions=4");
      try (ResultSet rs = s.executeQuery("SHOW TABLES IN tpch")) {
        int n = 0;
        while (rs.next()) {
          n++;
        }
        assertEquals(8, n);
      }
    }
  }

  @Test
  void syntaxErrorIsInvalidArgumentWithErrorClassAndSqlState() throws Exception {
    try (Statement s = connection.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELEC 1"));
      String m = messages(e);
      assertTrue(m.contains("PARSE_SYNTAX_ERROR"), m);
      assertTrue(m.contains("42601"), m);
      assertTrue(m.contains("INVALID_ARGUMENT"), m);
      assertNextQueryWorks(s);
    }
  }

  @Test
  void missingTableIsInvalidArgumentWithErrorClassAndSqlState() throws Exception {
    try (Statement s = connection.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM nope"));
      String m = messages(e);
      assertTrue(m.contains("TABLE_OR_VIEW_NOT_FOUND"), m);
      assertTrue(m.contains("42P01"), m);
      // The message is Spark's text for the user, without the analysed plan appended.
      assertFalse(m.contains("UnresolvedRelation"), m);
      assertNextQueryWorks(s);
    }
  }

  @Test
  void runtimeErrorDuringStreamReachesClient() throws Exception {
    try (Statement s = connection.createStatement()) {
      // Depending on when the failure arrives the 18.3.0 driver throws SQLException (execute) or
      // its unchecked FlightRuntimeException (ResultSet.next).
      Exception e = assertThrows(Exception.class, () -> {
        try (ResultSet rs = s.executeQuery(
            "SELECT assert_true(id < 5000, 'boom at 5000') FROM range(10000)")) {
          while (rs.next()) {
            // drain
          }
        }
      });
      assertTrue(messages(e).contains("boom at 5000"), messages(e));
      assertNextQueryWorks(s);
    }
  }

  @Test
  void metadataListsCatalogsSchemasTablesAndColumns() throws Exception {
    DatabaseMetaData md = connection.getMetaData();
    assertEquals("Libra", md.getDatabaseProductName());
    assertEquals("`", md.getIdentifierQuoteString());
    List<String> catalogs = column(md.getCatalogs(), "TABLE_CAT");
    assertTrue(catalogs.contains("spark_catalog"), catalogs.toString());
    List<String> schemas = column(md.getSchemas("spark_catalog", "tp%"), "TABLE_SCHEM");
    assertEquals(List.of("tpch"), schemas);
    List<String> tables = column(md.getTables("spark_catalog", "tpch", "line%", null),
        "TABLE_NAME");
    assertEquals(List.of("lineitem"), tables);
    List<String> all = column(md.getTables(null, "tpch", "%", new String[] {"TABLE"}),
        "TABLE_NAME");
    assertEquals(List.of("customer", "lineitem", "nation", "orders", "part", "partsupp", "region",
        "supplier"), all);
    assertEquals(List.of(), column(md.getTables(null, "tpch", "%", new String[] {"VIEW"}),
        "TABLE_NAME"));
    List<String> columns = column(md.getColumns(null, "tpch", "nation", null), "COLUMN_NAME");
    assertEquals(List.of("n_nationkey", "n_name", "n_regionkey", "n_comment"), columns);
    assertEquals(List.of("LOCAL TEMPORARY", "TABLE", "VIEW"),
        column(md.getTableTypes(), "TABLE_TYPE"));
    assertFalse(md.getPrimaryKeys(null, "tpch", "nation").next());
    assertFalse(md.getImportedKeys(null, "tpch", "nation").next());
    assertFalse(md.getExportedKeys(null, "tpch", "nation").next());
  }

  @Test
  void metadataListsTheTablesOfTheLibraCatalogWithoutASchema() throws Exception {
    DatabaseMetaData md = connection.getMetaData();
    List<String> catalogs = column(md.getCatalogs(), "TABLE_CAT");
    assertTrue(catalogs.contains("libra"), catalogs.toString());
    try (ResultSet rs = md.getTables("libra", null, "%", null)) {
      for (String table : List.of("jobs", "queries", "sessions")) {
        assertTrue(rs.next(), table);
        assertEquals("libra", rs.getString("TABLE_CAT"));
        assertEquals(null, rs.getString("TABLE_SCHEM"));
        assertEquals(table, rs.getString("TABLE_NAME"));
        assertEquals("TABLE", rs.getString("TABLE_TYPE"));
      }
      assertFalse(rs.next());
    }
    List<String> columns = column(md.getColumns("libra", null, "jobs", null), "COLUMN_NAME");
    assertEquals("job_id", columns.get(0));
    assertTrue(columns.contains("state"), columns.toString());
    // A schema pattern that names a schema leaves the schema-less table out.
    assertEquals(List.of(), column(md.getTables("libra", "tpch", "%", null), "TABLE_NAME"));
    assertEquals(List.of(), column(md.getTables("libra", null, "%", new String[] {"VIEW"}),
        "TABLE_NAME"));
    // Every catalog at once still lists spark_catalog's tables after it.
    List<String> all = column(md.getTables(null, null, "%", new String[] {"TABLE"}),
        "TABLE_NAME");
    assertTrue(all.contains("jobs") && all.contains("lineitem"), all.toString());
  }

  private static List<String> column(ResultSet rs, String name) throws Exception {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        out.add(rs.getString(name));
      }
    }
    return out;
  }

  private static void assertNextQueryWorks(Statement s) throws Exception {
    try (ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}
