package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DBeaver-style metadata walk through Libra's driver jar: catalogs → schemas → tables → columns
 * → keys of a table without keys → type info → procedures → functions, each result set with
 * JDBC's column names in order (also when empty, where Arrow's driver returns no columns), and
 * every no-argument getter answering.
 */
class LibraDriverMetadataTest {
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
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS walk");
      s.execute("CREATE TABLE IF NOT EXISTS walk.kinds (id BIGINT, name STRING,"
          + " amount DECIMAL(12,3), day DATE, at TIMESTAMP, tags ARRAY<STRING>) USING parquet");
    }
  }

  @AfterAll
  static void close() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.execute("DROP TABLE IF EXISTS walk.kinds");
      s.execute("DROP DATABASE IF EXISTS walk");
    }
    connection.close();
    loader.close();
    gateway.assertAllocatorReleased();
  }

  private static List<String> columnNames(ResultSet rs) throws Exception {
    ResultSetMetaData md = rs.getMetaData();
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      out.add(md.getColumnName(i));
    }
    return out;
  }

  /** The column names and the rows (column 1..n as strings) of a result set, closed. */
  private static List<List<String>> rows(ResultSet rs, List<String> expectedColumns)
      throws Exception {
    try (rs) {
      assertEquals(expectedColumns, columnNames(rs));
      List<List<String>> out = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= expectedColumns.size(); i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  @Test
  void aDbeaverStyleWalkSeesJdbcColumnSets() throws Exception {
    DatabaseMetaData md = connection.getMetaData();
    List<List<String>> catalogs = rows(md.getCatalogs(), List.of("TABLE_CAT"));
    assertTrue(catalogs.contains(List.of("spark_catalog")), catalogs.toString());
    List<List<String>> schemas = rows(md.getSchemas("spark_catalog", null),
        List.of("TABLE_SCHEM", "TABLE_CATALOG"));
    assertTrue(schemas.contains(List.of("walk", "spark_catalog")), schemas.toString());
    assertTrue(schemas.contains(List.of("tpch", "spark_catalog")), schemas.toString());
    List<List<String>> types = rows(md.getTableTypes(), List.of("TABLE_TYPE"));
    assertFalse(types.isEmpty());
    List<List<String>> tables = rows(md.getTables("spark_catalog", "walk", "%", null),
        List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS", "TYPE_CAT",
            "TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION"));
    assertEquals(1, tables.size(), tables.toString());
    assertEquals("kinds", tables.get(0).get(2));

    Map<String, Integer> dataTypes = new LinkedHashMap<>();
    Map<String, String> nullable = new LinkedHashMap<>();
    try (ResultSet rs = md.getColumns("spark_catalog", "walk", "kinds", "%")) {
      assertEquals(24, rs.getMetaData().getColumnCount());
      assertEquals("IS_GENERATEDCOLUMN", rs.getMetaData().getColumnName(24));
      while (rs.next()) {
        dataTypes.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
        nullable.put(rs.getString("COLUMN_NAME"), rs.getString("IS_NULLABLE"));
        assertEquals(dataTypes.size(), rs.getInt("ORDINAL_POSITION"));
      }
    }
    assertEquals(List.of("id", "name", "amount", "day", "at", "tags"),
        List.copyOf(dataTypes.keySet()));
    assertEquals(Types.BIGINT, dataTypes.get("id"));
    assertEquals(Types.VARCHAR, dataTypes.get("name"));
    assertEquals(Types.DECIMAL, dataTypes.get("amount"));
    assertEquals(Types.DATE, dataTypes.get("day"));
    assertEquals(Types.TIMESTAMP, dataTypes.get("at"));
    assertEquals(Types.ARRAY, dataTypes.get("tags"));
    // Spark makes every column of a file-source table nullable, NOT NULL or not.
    assertEquals("YES", nullable.get("name"));
    try (ResultSet rs = md.getColumns("spark_catalog", "walk", "kinds", "amount")) {
      assertTrue(rs.next());
      assertEquals(12, rs.getInt("COLUMN_SIZE"));
      assertEquals(3, rs.getInt("DECIMAL_DIGITS"));
      assertFalse(rs.next());
    }

    List<String> keyColumns = List.of("PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME",
        "PKCOLUMN_NAME", "FKTABLE_CAT", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME",
        "KEY_SEQ", "UPDATE_RULE", "DELETE_RULE", "FK_NAME", "PK_NAME", "DEFERRABILITY");
    try (ResultSet pk = md.getPrimaryKeys("spark_catalog", "walk", "kinds")) {
      assertEquals(List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ",
          "PK_NAME"), columnNames(pk));
      assertEquals(5, pk.findColumn("KEY_SEQ"));
      assertFalse(pk.next());
    }
    assertEquals(List.of(), rows(md.getImportedKeys("spark_catalog", "walk", "kinds"),
        keyColumns));
    assertEquals(List.of(), rows(md.getExportedKeys("spark_catalog", "walk", "kinds"),
        keyColumns));
    assertEquals(List.of(), rows(md.getCrossReference("spark_catalog", "walk", "kinds",
        "spark_catalog", "walk", "kinds"), keyColumns));

    List<List<String>> typeInfo = rows(md.getTypeInfo(), List.of("TYPE_NAME", "DATA_TYPE",
        "PRECISION", "LITERAL_PREFIX", "LITERAL_SUFFIX", "CREATE_PARAMS", "NULLABLE",
        "CASE_SENSITIVE", "SEARCHABLE", "UNSIGNED_ATTRIBUTE", "FIXED_PREC_SCALE",
        "AUTO_INCREMENT", "LOCAL_TYPE_NAME", "MINIMUM_SCALE", "MAXIMUM_SCALE", "SQL_DATA_TYPE",
        "SQL_DATETIME_SUB", "NUM_PREC_RADIX"));
    assertTrue(typeInfo.size() >= 10, typeInfo.toString());
    assertTrue(typeInfo.stream().anyMatch(r -> r.get(0).equals("BIGINT")
        && r.get(1).equals(String.valueOf(Types.BIGINT))), typeInfo.toString());

    List<List<String>> procedures = rows(md.getProcedures(null, null, "%"),
        List.of("PROCEDURE_CAT", "PROCEDURE_SCHEM", "PROCEDURE_NAME", "RESERVED1", "RESERVED2",
            "RESERVED3", "REMARKS", "PROCEDURE_TYPE", "SPECIFIC_NAME"));
    List<String> names = procedures.stream().map(r -> r.get(1) + "." + r.get(2)).toList();
    assertTrue(names.containsAll(List.of("libra.submit_job", "libra.job_status",
        "libra.cancel_job", "libra.job_log", "libra.close_session", "libra.cancel_statement")),
        names.toString());
    try (ResultSet rs = md.getProcedureColumns(null, "libra", "job_log", "%")) {
      assertEquals(20, rs.getMetaData().getColumnCount());
      assertTrue(rs.next());
      assertEquals("job_id", rs.getString("COLUMN_NAME"));
    }

    List<List<String>> functions = rows(md.getFunctions(null, null, "date_add"),
        List.of("FUNCTION_CAT", "FUNCTION_SCHEM", "FUNCTION_NAME", "REMARKS", "FUNCTION_TYPE",
            "SPECIFIC_NAME"));
    assertEquals(1, functions.size(), functions.toString());
    assertEquals("date_add", functions.get(0).get(2));
    try (ResultSet idx = md.getIndexInfo("spark_catalog", "walk", "kinds", false, true)) {
      assertEquals(13, idx.getMetaData().getColumnCount());
      assertFalse(idx.next());
    }
  }

  @Test
  void gettersAnswerFromGetSqlInfo() throws Exception {
    DatabaseMetaData md = connection.getMetaData();
    List<String> failures = new ArrayList<>();
    for (Method m : DatabaseMetaData.class.getMethods()) {
      if (m.getParameterCount() != 0 || !(m.getReturnType() == boolean.class
          || m.getReturnType() == String.class || m.getReturnType() == int.class)) {
        continue;
      }
      try {
        m.invoke(md);
      } catch (Exception e) {
        failures.add(m.getName() + ": " + (e.getCause() != null ? e.getCause() : e));
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals("Libra", md.getDatabaseProductName());
    assertTrue(md.getDatabaseProductVersion().contains("Spark"), md.getDatabaseProductVersion());
    assertEquals("`", md.getIdentifierQuoteString());
    assertTrue(md.getSQLKeywords().contains("PIVOT"), md.getSQLKeywords());
    assertTrue(md.supportsBatchUpdates(), "the driver runs executeBatch");
    assertFalse(md.supportsTransactions());
    assertEquals("Libra JDBC driver", md.getDriverName());
    assertEquals("jdbc:libra://127.0.0.1:" + gateway.server.port(), md.getURL());
  }
}
