package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ?} parameters through the JDBC driver's setters, bound with Spark positional args. */
class ParametersJdbcTest {
  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    connection = TestGateway.get().connect();
  }

  @AfterAll
  static void stop() throws Exception {
    connection.close();
    TestGateway.get().assertAllocatorReleased();
  }

  @Test
  void intParameter() throws Exception {
    try (PreparedStatement ps = connection.prepareStatement("SELECT ? + 1 AS answer")) {
      assertEquals(1, ps.getParameterMetaData().getParameterCount());
      ps.setInt(1, 41);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(42, rs.getInt(1));
      }
      ps.setInt(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(2, rs.getInt(1));
      }
    }
  }

  @Test
  void typedParametersMatchSparkInProcess() throws Exception {
    String sql = "SELECT count(*) FROM tpch.lineitem WHERE l_orderkey > ? AND l_shipdate > ?"
        + " AND l_discount < ? AND l_returnflag = ? AND (l_quantity > 10) = ?";
    long expected = TestGateway.get().spark.sql(sql.replaceFirst("\\?", "1000")
        .replaceFirst("\\?", "DATE'1995-01-01'").replaceFirst("\\?", "0.05")
        .replaceFirst("\\?", "'R'").replaceFirst("\\?", "true")).first().getLong(0);
    assertTrue(expected > 0);
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      assertEquals(5, ps.getParameterMetaData().getParameterCount());
      assertEquals(Types.BIGINT, ps.getParameterMetaData().getParameterType(1));
      assertEquals(Types.DATE, ps.getParameterMetaData().getParameterType(2));
      assertEquals(Types.DECIMAL, ps.getParameterMetaData().getParameterType(3));
      assertEquals(Types.VARCHAR, ps.getParameterMetaData().getParameterType(4));
      assertEquals(Types.BOOLEAN, ps.getParameterMetaData().getParameterType(5));
      ps.setLong(1, 1000L);
      ps.setDate(2, Date.valueOf(LocalDate.of(1995, 1, 1)));
      ps.setBigDecimal(3, new BigDecimal("0.05"));
      ps.setString(4, "R");
      ps.setBoolean(5, true);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(expected, rs.getLong(1));
      }
    }
  }

  @Test
  void intAndUntypedStringParameters() throws Exception {
    try (PreparedStatement ps = connection.prepareStatement("SELECT ? + 1 AS x, ? AS s")) {
      ps.setInt(1, 41);
      ps.setString(2, "a");
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(42, rs.getInt("x"));
        assertEquals("a", rs.getString("s"));
      }
    }
  }

  @Test
  void timestampAndNullParameters() throws Exception {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT TIMESTAMP'2024-01-01 00:00:00' < ? AS later, coalesce(? , 7L) AS c")) {
      ps.setTimestamp(1, Timestamp.from(Instant.parse("2024-06-01T00:00:00Z")));
      ps.setNull(2, Types.BIGINT);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertTrue(rs.getBoolean(1));
        assertEquals(7L, rs.getLong(2));
      }
    }
  }

  @Test
  void executeBatchInsertsEveryRow() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.execute("DROP TABLE IF EXISTS param_t");
      s.execute("CREATE TABLE param_t (id INT, name STRING, price DECIMAL(10,2), d DATE)"
          + " USING parquet");
    }
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO param_t VALUES (?, ?, ?, ?)")) {
      for (int i = 1; i <= 4; i++) {
        ps.setInt(1, i);
        ps.setString(2, "n" + i);
        ps.setBigDecimal(3, new BigDecimal(i + ".25"));
        ps.setDate(4, Date.valueOf(LocalDate.of(2024, 1, i)));
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      assertEquals(4, java.util.Arrays.stream(counts).sum());
      ps.setInt(1, 5);
      ps.setString(2, "five");
      ps.setNull(3, Types.DECIMAL);
      ps.setDate(4, Date.valueOf(LocalDate.of(2024, 2, 5)));
      assertEquals(1, ps.executeUpdate());
    }
    List<String> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM param_t ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getInt(1) + "," + rs.getString(2) + "," + rs.getBigDecimal(3) + ","
            + rs.getDate(4).toLocalDate());
      }
    }
    assertEquals(List.of("1,n1,1.25,2024-01-01", "2,n2,2.25,2024-01-02", "3,n3,3.25,2024-01-03",
        "4,n4,4.25,2024-01-04", "5,five,null,2024-02-05"), rows);
    try (Statement s = connection.createStatement()) {
      s.execute("DROP TABLE param_t");
    }
  }

  @Test
  void missingParametersAreAnError() throws Exception {
    // The driver itself refuses to run with an unset parameter; the server would answer
    // INVALID_ARGUMENT "no parameter values were bound" (FlightSqlClientTest).
    try (PreparedStatement ps = connection.prepareStatement("SELECT ? + 1")) {
      org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> ps.executeQuery().close());
    }
    assertFalse(connection.isClosed());
  }

  @Test
  void stringParameter() throws Exception {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT upper(?) AS u, n_name FROM tpch.nation WHERE n_name LIKE ?")) {
      ps.setString(1, "grüße");
      ps.setString(2, "JAP%");
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals("GRÜSSE", rs.getString(1));
        assertEquals("JAPAN", rs.getString(2));
        assertFalse(rs.next());
      }
    }
  }
}
