package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.junit.jupiter.api.Test;

/**
 * Attacked as a logged-in user without roles would (alice; authentication on; through the Arrow
 * Flight SQL JDBC driver): a database at a server path, a partition at a server path, a
 * {@code USING jdbc} table on the gateway's own Derby job registry, a session JDBC catalog by
 * {@code SET spark.sql.catalog.*}, and a Hive UDF class that calls Java methods are each refused
 * with UNAUTHORIZED naming the role or setting, and no file appears in the server directory. What
 * alice may do still works; carol, with the files and admin roles, may do each of them — but no
 * one opens a JDBC connection to an embedded Derby database (the job registry, the metastore).
 */
class SqlBoundaryTest {
  @Test
  void aUserWithoutRolesStaysInsideTheAllowList() throws Exception {
    Path conf = Files.createTempDirectory("libra-boundary-");
    Path serverDir = Files.createDirectories(conf.resolve("server-dir"));
    Files.writeString(serverDir.resolve("keep.txt"), "server file\n");
    Path jobsDb = conf.resolve("jobs_db");
    try (LibraServer server = AuthGateway.start(conf, List.of("alice", "carol"),
        "carol = files, admin\n");
        Connection alice = connect(server, "alice");
        Connection carol = connect(server, "carol")) {
      query(alice, "CREATE TABLE boundary_parts (a INT, p INT) USING parquet PARTITIONED BY (p)");
      Map<String, String> refused = Map.of(
          "CREATE DATABASE boundary_db LOCATION '" + serverDir + "'", "'files' role",
          "ALTER TABLE boundary_parts ADD PARTITION (p = 1) LOCATION '" + serverDir + "'",
          "'files' role",
          "CREATE TABLE boundary_jobs USING jdbc OPTIONS (url 'jdbc:derby:" + jobsDb
              + "', dbtable 'JOBS')", "libra.sql.allowed-providers",
          "SET spark.sql.catalog.derby ="
              + " org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog",
          "libra.sql.user-settable-conf",
          "SET spark.sql.warehouse.dir = " + serverDir, "libra.sql.user-settable-conf",
          "SET spark.hadoop.fs.defaultFS = file:///", "libra.sql.user-settable-conf",
          "CREATE TEMPORARY FUNCTION boundary_reflect AS"
              + " 'org.apache.hadoop.hive.ql.udf.generic.GenericUDFReflect'", "no role may",
          "CREATE TEMPORARY FUNCTION boundary_upper2 AS"
              + " 'org.apache.hadoop.hive.ql.udf.generic.GenericUDFUpper'", "'admin' role");
      for (Map.Entry<String, String> attack : refused.entrySet()) {
        SQLException e = assertThrows(SQLException.class, () -> query(alice, attack.getKey()),
            attack.getKey());
        assertEquals(FlightStatusCode.UNAUTHORIZED, JobsClient.status(e), attack.getKey() + ": " + e);
        assertTrue(e.getMessage().contains("user 'alice' may not use")
            && e.getMessage().contains(attack.getValue()), e.getMessage());
      }
      try (Stream<Path> files = Files.list(serverDir)) {
        assertEquals(List.of(serverDir.resolve("keep.txt")), files.toList(),
            "nothing was written to the server directory");
      }
      // Not a wall: managed tables, session-safe settings, reading settings.
      query(alice, "SET spark.sql.shuffle.partitions = 3");
      assertEquals("3", second(alice, "SET spark.sql.shuffle.partitions"));
      query(alice, "SET TIME ZONE 'Asia/Tokyo'");
      second(alice, "SET spark.sql.catalog.derby");
      query(alice, "INSERT INTO boundary_parts VALUES (1, 1)");
      assertEquals("1", query(alice, "SELECT count(*) FROM boundary_parts"));
      query(alice, "DROP TABLE boundary_parts");
      query(alice, "CREATE DATABASE boundary_managed");
      query(alice, "DROP DATABASE boundary_managed");
      // The roles allow each of them.
      query(carol, "CREATE DATABASE boundary_db LOCATION '" + serverDir.resolve("db") + "'");
      query(carol, "DROP DATABASE boundary_db");
      query(carol, "SET spark.sql.catalog.derby ="
          + " org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog");
      query(carol, "CREATE TEMPORARY FUNCTION boundary_upper AS"
          + " 'org.apache.hadoop.hive.ql.udf.generic.GenericUDFUpper'");
      // ... but not Hive's reflection or file-reading functions, whatever their name.
      for (String udf : List.of("generic.GenericUDFReflect", "generic.GenericUDFReflect2",
          "generic.GenericUDFInFile", "xml.UDFXPathString", "xml.GenericUDFXPath")) {
        SQLException e = assertThrows(SQLException.class, () -> query(carol,
            "CREATE TEMPORARY FUNCTION r AS 'org.apache.hadoop.hive.ql.udf." + udf + "'"));
        assertTrue(e.getMessage().contains("no role may"), e.getMessage());
      }
      // No role reaches the gateway's own Derby databases (or any Derby, which runs in its JVM).
      Path metastore = conf.resolve("metastore_db");
      SQLException substitute = assertThrows(SQLException.class,
          () -> query(carol, "SET spark.sql.variable.substitute = true"));
      assertTrue(substitute.getMessage().contains("no role may"), substitute.getMessage());
      for (String derby : List.of(
          "CREATE TABLE boundary_jobs USING jdbc OPTIONS (url 'jdbc:derby:" + jobsDb
              + "', dbtable 'JOBS')",
          "CREATE TABLE boundary_meta USING org.apache.spark.sql.jdbc OPTIONS"
              + " (URL 'jdbc:derby:;databaseName=" + metastore + "', dbtable 'TBLS')",
          "CREATE TEMPORARY VIEW boundary_mem USING jdbc OPTIONS"
              + " (url 'jdbc:derby:memory:x;create=true', dbtable 'SYS.SYSTABLES')",
          "SET spark.sql.catalog.derby.url = jdbc:derby:" + jobsDb,
          // (second attack pass) Spark takes the last of two keys that differ in case
          "CREATE TEMPORARY VIEW boundary_twice USING jdbc OPTIONS (URL"
              + " 'jdbc:postgresql://127.0.0.1:1/x', url 'jdbc:derby:" + jobsDb
              + ";shutdown=true', dbtable 'SYS.SYSTABLES')",
          // (from an attack pass) Calcite's driver opens JDBC connections from an inline model
          "CREATE TABLE boundary_calcite USING jdbc OPTIONS (url 'jdbc:calcite:model=inline:"
              + "{\"schemas\": [{\"jdbcUrl\": \"jdbc:\\u0064erby:" + jobsDb + "\"}]}',"
              + " dbtable 'x')")) {
        SQLException e = assertThrows(SQLException.class, () -> query(carol, derby), derby);
        assertEquals(FlightStatusCode.UNAUTHORIZED, JobsClient.status(e), derby + ": " + e);
        assertTrue(e.getMessage().contains("embedded Derby"), e.getMessage());
      }
    }
  }

  @Test
  void whatAFilesUserPutOutsideTheWarehouseCannotBeDroppedOrWrittenWithoutTheRole()
      throws Exception {
    Path conf = Files.createTempDirectory("libra-boundary-outside-");
    Path serverDir = Files.createDirectories(conf.resolve("server-dir"));
    Files.writeString(serverDir.resolve("keep.txt"), "server file\n");
    try (LibraServer server = AuthGateway.start(conf, List.of("alice", "carol"),
        "carol = files\n");
        Connection alice = connect(server, "alice");
        Connection carol = connect(server, "carol")) {
      // carol (files) puts a table, a database and a partition at server paths.
      query(carol, "CREATE TABLE outside_ext (a INT) USING parquet LOCATION '"
          + serverDir.resolve("ext") + "'");
      query(carol, "INSERT INTO outside_ext VALUES (1)");
      query(carol, "CREATE DATABASE outside_db LOCATION '" + serverDir.resolve("db") + "'");
      query(carol, "CREATE TABLE outside_db.t (a INT) USING parquet");
      query(carol, "INSERT INTO outside_db.t VALUES (1)");
      query(carol, "CREATE TABLE outside_parts (a INT, p INT) USING parquet PARTITIONED BY (p)");
      query(carol, "ALTER TABLE outside_parts ADD PARTITION (p = 1) LOCATION '"
          + serverDir.resolve("part") + "'");
      query(carol, "INSERT INTO outside_parts PARTITION (p = 1) VALUES (5)");
      List<String> before = tree(serverDir);
      assertTrue(before.size() > 4, "carol's files: " + before);
      List<String> attacks = List.of(
          "DROP TABLE outside_ext",
          "TRUNCATE TABLE outside_ext",
          "INSERT OVERWRITE TABLE outside_ext SELECT 2",
          "INSERT INTO outside_ext VALUES (3)",
          "DROP DATABASE outside_db CASCADE",
          "DROP TABLE outside_db.t",
          "ALTER TABLE outside_parts DROP PARTITION (p = 1)",
          "DROP TABLE outside_parts",
          "INSERT OVERWRITE TABLE outside_parts PARTITION (p = 1) SELECT 9",
          "LOAD DATA INPATH '" + serverDir.resolve("keep.txt") + "' INTO TABLE outside_ext",
          "ALTER TABLE outside_ext SET SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'",
          "REFRESH \"" + serverDir + "\"",
          "ADD JAR '" + serverDir.resolve("keep.txt") + "'",
          // (from an attack pass) a partition renamed into the warehouse could then be dropped
          "ALTER TABLE outside_parts PARTITION (p = 1) RENAME TO PARTITION (p = 6)",
          // a managed table in a database outside the warehouse writes there
          "CREATE TABLE outside_db.plain (a INT) USING parquet",
          "SET spark.sql.adaptive.customCostEvaluatorClass = java.lang.Runtime",
          "SET spark.sql.variable.substitute = true");
      for (String attack : attacks) {
        SQLException e = assertThrows(SQLException.class, () -> query(alice, attack), attack);
        assertEquals(FlightStatusCode.UNAUTHORIZED, JobsClient.status(e), attack + ": " + e);
        assertTrue(e.getMessage().contains("user 'alice' may not ")
            && (e.getMessage().contains("'files' role")
                || e.getMessage().contains("libra.sql.user-settable-conf")
                || e.getMessage().contains("no role may")), e.getMessage());
      }
      // Bulk ingest runs past the SQL boundary: it checks the same locations itself.
      for (String table : List.of("outside_ext", "plain_ingest")) {
        String schema = table.equals("outside_ext") ? "default" : "outside_db";
        for (var mode : List.of(TableExistsOption.TABLE_EXISTS_OPTION_APPEND,
            TableExistsOption.TABLE_EXISTS_OPTION_REPLACE)) {
          org.apache.arrow.flight.FlightRuntimeException e = assertThrows(
              org.apache.arrow.flight.FlightRuntimeException.class, () -> IngestClient.ingest(
                  server.port(), "alice", "alice-pw", schema, table, mode), schema + "." + table);
          assertEquals(FlightStatusCode.UNAUTHORIZED, e.status().code(), e.getMessage());
          assertTrue(e.getMessage().contains("outside the warehouse"), e.getMessage());
        }
      }
      assertEquals(before, tree(serverDir), "no file was deleted or written");
      // No environment or JVM properties through variable substitution; no XML entities.
      assertEquals("${env:HOME}", query(alice, "SELECT '${env:HOME}'"));
      query(alice, "RESET spark.sql.variable.substitute");
      query(alice, "RESET");
      assertEquals("${env:HOME}", query(alice, "SELECT '${env:HOME}'"), "RESET keeps it off");
      SQLException xml = assertThrows(SQLException.class,
          () -> query(alice, "SELECT xpath_string('<a>x</a>', 'a')"));
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, JobsClient.status(xml));
      assertEquals("alice", query(alice, "SELECT current_user()"));
      assertEquals("[2,3]", query(alice, "SELECT transform(array(1, 2), x -> x + 1)"));
      // Reading stays open, and alice's own managed tables are hers to change.
      assertEquals("1", query(alice, "SELECT count(*) FROM outside_ext"));
      for (String allowed : List.of(
          "CREATE TABLE inside_t (a INT) USING parquet",
          "CREATE TABLE inside_ctas USING parquet AS SELECT 1 AS a", "DROP TABLE inside_ctas",
          "INSERT INTO inside_t VALUES (1), (2)",
          "INSERT OVERWRITE TABLE inside_t SELECT 3",
          "ALTER TABLE inside_t ADD COLUMNS (b STRING)",
          "ANALYZE TABLE inside_t COMPUTE STATISTICS",
          "CACHE TABLE inside_t", "UNCACHE TABLE inside_t",
          "CREATE VIEW inside_v AS SELECT a FROM inside_t",
          "CREATE TEMPORARY VIEW inside_tv AS SELECT 1 AS x",
          "SHOW TABLES", "DESCRIBE TABLE EXTENDED outside_ext", "SHOW CREATE TABLE inside_t",
          "EXPLAIN SELECT * FROM inside_t", "USE default",
          "ALTER TABLE inside_t RENAME TO inside_t2", "TRUNCATE TABLE inside_t2",
          "DROP VIEW inside_v", "DROP TABLE inside_t2")) {
        query(alice, allowed);
      }
      // carol's role allows it.
      query(carol, "INSERT OVERWRITE TABLE outside_ext SELECT 2");
      assertEquals("2", query(carol, "SELECT max(a) FROM outside_ext"));
      query(carol, "ALTER TABLE outside_parts DROP PARTITION (p = 1)");
      query(carol, "DROP TABLE outside_parts");
      query(carol, "DROP DATABASE outside_db CASCADE");
      query(carol, "DROP TABLE outside_ext");
    }
  }

  /** Every file and directory under {@code dir}, relative, sorted. */
  private static List<String> tree(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /** Runs the statement; returns the first column of the first row, or null. */
  private static String query(Connection c, String sql) throws SQLException {
    return column(c, sql, 1);
  }

  private static String second(Connection c, String sql) throws SQLException {
    return column(c, sql, 2);
  }

  private static String column(Connection c, String sql, int column) throws SQLException {
    return AuthGateway.column(c, sql, column);
  }

  private static Connection connect(LibraServer server, String user) throws SQLException {
    return AuthGateway.connect(server, user);
  }
}
