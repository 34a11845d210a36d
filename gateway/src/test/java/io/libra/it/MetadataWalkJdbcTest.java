package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metadata a BI tool reads on connect: every no-argument getter answers without throwing. */
class MetadataWalkJdbcTest {
  @Test
  void everyNoArgumentGetterAnswers() throws Exception {
    List<String> failures = new ArrayList<>();
    try (Connection c = TestGateway.get().connect()) {
      DatabaseMetaData md = c.getMetaData();
      for (Method m : DatabaseMetaData.class.getMethods()) {
        if (m.getParameterCount() != 0 || !(m.getReturnType() == boolean.class
            || m.getReturnType() == String.class || m.getReturnType() == int.class)) {
          continue;
        }
        try {
          m.invoke(md);
        } catch (Exception e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          failures.add(m.getName() + ": " + cause);
        }
      }
      assertTrue(failures.isEmpty(), String.join("\n", failures));
      assertEquals("Libra", md.getDatabaseProductName());
      assertTrue(md.getDatabaseProductVersion().contains("Spark"), md.getDatabaseProductVersion());
      assertEquals("\\", md.getSearchStringEscape());
      assertTrue(md.getSQLKeywords().contains("PIVOT"), md.getSQLKeywords());
      assertTrue(md.getNumericFunctions().contains("ABS"), md.getNumericFunctions());
      assertTrue(md.getStringFunctions().contains("SUBSTRING"), md.getStringFunctions());
      assertTrue(md.supportsFullOuterJoins());
      assertTrue(md.supportsUnionAll());
      assertEquals(java.sql.Connection.TRANSACTION_NONE, md.getDefaultTransactionIsolation());
    }
  }

  @Test
  void underscoreIsAWildcardUnlessEscaped() throws Exception {
    try (Connection c = TestGateway.get().connect(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS d");
      s.execute("CREATE TABLE IF NOT EXISTS d.abc (x INT) USING parquet");
      s.execute("CREATE TABLE IF NOT EXISTS d.a_c (y INT) USING parquet");
      DatabaseMetaData md = c.getMetaData();
      assertEquals(List.of("y"), columns(md.getColumns(null, "d", "a\\_c", "%")));
      assertEquals(List.of("y", "x"), columns(md.getColumns(null, "d", "a_c", "%")));
      s.execute("DROP TABLE d.abc");
      s.execute("DROP TABLE d.a_c");
      s.execute("DROP DATABASE d");
    }
  }

  private static List<String> columns(ResultSet rs) throws Exception {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        out.add(rs.getString("COLUMN_NAME"));
      }
    }
    return out;
  }
}
