package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Libra's JDBC driver runs a plain statement's {@code executeQuery(String)} as a Flight SQL
 * statement query (GetFlightInfo, DoGet): no prepared statement is opened on the server, where the
 * Arrow driver prepares, executes and closes one. Everything else about the statement behaves as
 * before: errors, max rows, DDL sent to executeQuery, reuse for updates.
 */
class LibraDriverStatementQueryTest {
  private static TestGateway gateway;
  private static URLClassLoader loader;
  private static Connection connection;

  @BeforeAll
  static void connect() throws Exception {
    gateway = TestGateway.get();
    loader = new URLClassLoader(new URL[] {JdbcValuesMatchSparkTest.driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    Driver driver = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
        .getDeclaredConstructor().newInstance();
    connection = driver.connect("jdbc:libra://127.0.0.1:" + gateway.server.port(),
        new Properties());
  }

  @AfterAll
  static void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (loader != null) {
      loader.close();
    }
  }

  @Test
  void executeQueryOpensNoPreparedStatementOnTheServer() throws Exception {
    long before = gateway.server.openPreparedStatements();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, CAST(id * 2 AS STRING) AS s FROM range(3)")) {
      assertEquals(before, gateway.server.openPreparedStatements(),
          "a plain query holds no prepared statement while its result is open");
      assertEquals("s", rs.getMetaData().getColumnName(2));
      for (int i = 0; i < 3; i++) {
        assertTrue(rs.next());
        assertEquals(i, rs.getLong(1));
        assertEquals(String.valueOf(i * 2), rs.getString("s"));
      }
      assertFalse(rs.next());
      assertSame(s, rs.getStatement());
      assertSame(rs, s.getResultSet(), "getResultSet() is the result set executeQuery returned");
      // The same statement again, then through the prepared path for an update count.
      try (ResultSet again = s.executeQuery("SELECT 'x' AS v")) {
        assertTrue(again.next());
        assertEquals("x", again.getString(1));
      }
    }
    try (Statement s = connection.createStatement()) {
      assertTrue(s.execute("SELECT 2"));
      ResultSet rs = s.getResultSet();
      assertSame(rs, s.getResultSet());
      assertTrue(rs.next());
      assertEquals(2, rs.getInt(1));
    }
    // The counter moves for what does prepare: a PreparedStatement.
    try (PreparedStatement ps = connection.prepareStatement("SELECT 1")) {
      assertEquals(before + 1, gateway.server.openPreparedStatements());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
      }
    }
    assertEquals(before, gateway.server.openPreparedStatements());
  }

  @Test
  void anEmptyResultReportsEachColumnOnce() throws Exception {
    // Through the plain Arrow driver, a Statement's empty result reports its columns twice.
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, CAST(id AS STRING) AS s FROM range(0)")) {
      java.sql.ResultSetMetaData md = rs.getMetaData();
      assertEquals(2, md.getColumnCount());
      assertEquals("id", md.getColumnName(1));
      assertEquals("s", md.getColumnName(2));
      assertFalse(rs.next());
    }
  }

  @Test
  void maxRowsAndErrorsAreTheArrowDriversAsBefore() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.setMaxRows(2);
      try (ResultSet rs = s.executeQuery("SELECT id FROM range(10)")) {
        int n = 0;
        while (rs.next()) {
          n++;
        }
        assertEquals(2, n);
      }
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT * FROM no_such_table_sq"));
      assertTrue(e.getMessage().contains("TABLE_OR_VIEW_NOT_FOUND"), e.getMessage());
      // The statement still works after the error.
      s.setMaxRows(0);
      try (ResultSet rs = s.executeQuery("SELECT 7")) {
        assertTrue(rs.next());
        assertEquals(7, rs.getInt(1));
      }
    }
  }

  @Test
  void ddlSentToExecuteQueryRunsOnceSaysSoAndLeavesNoTicket() throws Exception {
    String table = "sq_t" + System.nanoTime();
    try (Statement s = connection.createStatement()) {
      long tickets = gateway.server.unreadTickets();
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeQuery("CREATE TABLE " + table + " (id INT) USING parquet"));
      assertTrue(e.getMessage().contains("did not return a result set"), e.getMessage());
      assertEquals(tickets, gateway.server.unreadTickets(), "the DDL's ticket was read");
      assertEquals(1, s.executeUpdate("INSERT INTO " + table + " VALUES (5)"));
      try (ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
        assertTrue(rs.next());
        assertEquals(5, rs.getInt(1));
        assertFalse(rs.next());
      }
      assertFalse(s.execute("DROP TABLE " + table));
    }
  }
}
