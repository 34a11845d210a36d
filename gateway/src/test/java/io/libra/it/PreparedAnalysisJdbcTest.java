package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A prepared query's first execution reuses the analysis of its prepare only while nothing could
 * have changed: after a write through the same or another connection, and on every later
 * execution, the query sees the table as it is then.
 */
class PreparedAnalysisJdbcTest {
  private static final String TABLE = "prepared_analysis_t";

  @BeforeAll
  static void create() throws Exception {
    try (Connection c = TestGateway.get().connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute("CREATE TABLE " + TABLE + " (id INT) USING parquet");
      s.execute("INSERT INTO " + TABLE + " VALUES (1)");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    try (Connection c = TestGateway.get().connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
    }
  }

  private static long count(ResultSet rs) throws Exception {
    rs.next();
    return rs.getLong(1);
  }

  @Test
  void writesBetweenPrepareAndExecuteAreSeen() throws Exception {
    try (Connection a = TestGateway.get().connect(); Connection b = TestGateway.get().connect()) {
      String q = "SELECT count(*) FROM " + TABLE;
      try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery(q)) {
        assertEquals(1, count(rs), "prepared and executed at once");
      }
      try (PreparedStatement p = a.prepareStatement(q)) {
        try (Statement w = b.createStatement()) {
          w.execute("INSERT INTO " + TABLE + " VALUES (2)"); // another connection writes
        }
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(2, count(rs), "first execution after another session's write");
        }
        try (Statement w = a.createStatement()) {
          w.execute("INSERT INTO " + TABLE + " VALUES (3)"); // the same connection writes
        }
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(3, count(rs), "a later execution");
        }
      }
      try (PreparedStatement p = a.prepareStatement(q)) {
        try (Statement w = a.createStatement()) {
          w.execute("INSERT INTO " + TABLE + " VALUES (4)");
        }
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(4, count(rs), "first execution after the same session's write");
        }
      }
    }
  }
}
