package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.junit.jupiter.api.Test;

/**
 * Tables, views and databases have owners (authentication on; through the Arrow Flight SQL JDBC
 * driver and FlightSqlClient's bulk ingest): bob cannot drop, alter, truncate, insert into,
 * replace or ingest into alice's; he can read them; alice and the admin dave can change them. The
 * TPC-H sample belongs to the gateway. Nobody but an admin sets the owner property.
 */
class TableOwnersTest {
  @Test
  void onlyTheOwnerOrAnAdminChangesATable() throws Exception {
    Path conf = Files.createTempDirectory("libra-owners-");
    try (LibraServer server = AuthGateway.start(conf, List.of("alice", "bob", "dave"),
        "dave = admin\n");
        Connection alice = connect(server, "alice");
        Connection bob = connect(server, "bob");
        Connection dave = connect(server, "dave")) {
      query(alice, "CREATE TABLE owned_t (id BIGINT) USING parquet");
      query(alice, "INSERT INTO owned_t VALUES (1), (2)");
      query(alice, "CREATE VIEW owned_v AS SELECT id FROM owned_t");
      query(alice, "CREATE DATABASE owned_db");
      query(alice, "CREATE TABLE owned_db.t (id BIGINT) USING parquet");
      assertEquals("alice", property(alice, "owned_t"));
      List<String> attacks = List.of(
          "DROP TABLE owned_t", "INSERT INTO owned_t VALUES (3)",
          "INSERT OVERWRITE TABLE owned_t SELECT 9", "TRUNCATE TABLE owned_t",
          "ALTER TABLE owned_t ADD COLUMNS (x INT)", "ALTER TABLE owned_t RENAME TO stolen_t",
          "ALTER TABLE owned_t SET TBLPROPERTIES ('k' = 'v')",
          "ANALYZE TABLE owned_t COMPUTE STATISTICS",
          "CREATE OR REPLACE VIEW owned_v AS SELECT 2 AS id", "DROP VIEW owned_v",
          "ALTER VIEW owned_v AS SELECT 3 AS id",
          "DROP DATABASE owned_db CASCADE", "ALTER DATABASE owned_db SET DBPROPERTIES ('k' = 'v')",
          "DROP TABLE owned_db.t");
      for (String attack : attacks) {
        SQLException e = assertThrows(SQLException.class, () -> query(bob, attack), attack);
        assertEquals(FlightStatusCode.UNAUTHORIZED, JobsClient.status(e), attack + ": " + e);
        assertTrue(e.getMessage().contains("user 'bob' may not")
            && e.getMessage().contains("belongs to 'alice'"), attack + ": " + e.getMessage());
      }
      // The sample data is the gateway's.
      for (String attack : List.of("INSERT INTO tpch.nation SELECT * FROM tpch.nation LIMIT 1",
          "DROP TABLE tpch.region")) {
        SQLException e = assertThrows(SQLException.class, () -> query(bob, attack), attack);
        assertTrue(e.getMessage().contains("belongs to the gateway"), e.getMessage());
      }
      // Ingest: append and replace are changes too.
      for (TableExistsOption mode : List.of(TableExistsOption.TABLE_EXISTS_OPTION_APPEND,
          TableExistsOption.TABLE_EXISTS_OPTION_REPLACE)) {
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
            () -> ingest(server, "bob", "owned_t", mode));
        assertEquals(FlightStatusCode.UNAUTHORIZED, e.status().code(), e.getMessage());
        assertTrue(e.getMessage().contains("belongs to 'alice'"), e.getMessage());
      }
      // Reading stays open; nothing changed.
      assertEquals("2", query(bob, "SELECT count(*) FROM owned_t"));
      assertEquals("2", query(bob, "SELECT count(*) FROM owned_v"));
      // Nobody but an admin names an owner: not alice for bob, not bob for himself.
      SQLException give = assertThrows(SQLException.class, () -> query(alice,
          "ALTER TABLE owned_t SET TBLPROPERTIES ('libra.owner' = 'bob')"));
      assertTrue(give.getMessage().contains("libra.owner"), give.getMessage());
      query(bob, "CREATE TABLE bobs_t (id BIGINT) USING parquet"
          + " TBLPROPERTIES ('libra.owner' = 'alice')");
      assertEquals("bob", property(bob, "bobs_t"), "the creator owns it, whatever it says");
      // Ingest creates tables owned by the uploader.
      assertEquals(4, ingest(server, "bob", "bobs_ingest",
          TableExistsOption.TABLE_EXISTS_OPTION_FAIL));
      assertEquals("bob", property(bob, "bobs_ingest"));
      // The owner and the admin may.
      assertEquals(4, ingest(server, "alice", "owned_t",
          TableExistsOption.TABLE_EXISTS_OPTION_APPEND));
      query(alice, "INSERT INTO owned_t VALUES (3)");
      query(dave, "INSERT INTO owned_t VALUES (4)");
      assertEquals("8", query(bob, "SELECT count(*) FROM owned_t"));
      query(alice, "CREATE OR REPLACE VIEW owned_v AS SELECT 2 AS id");
      query(dave, "DROP VIEW owned_v");
      query(alice, "DROP TABLE owned_t");
      query(alice, "DROP DATABASE owned_db CASCADE");
      query(bob, "DROP TABLE bobs_t");
      query(dave, "DROP TABLE bobs_ingest");
    }
  }

  @Test
  void privateByDefaultKeepsOthersFromReadingToo() throws Exception {
    Path conf = Files.createTempDirectory("libra-private-");
    try (LibraServer server = AuthGateway.start(conf, List.of("alice", "bob", "dave"),
        "dave = admin\n", "libra.sql.private-by-default", "true");
        Connection alice = connect(server, "alice");
        Connection bob = connect(server, "bob");
        Connection dave = connect(server, "dave")) {
      query(alice, "CREATE TABLE private_t (id BIGINT) USING parquet");
      query(alice, "INSERT INTO private_t VALUES (1), (2)");
      assertEquals("2", query(alice, "SELECT count(*) FROM private_t"));
      assertEquals("2", query(dave, "SELECT count(*) FROM private_t"));
      assertEquals("25", query(bob, "SELECT count(*) FROM tpch.nation"), "the gateway's data");
      for (String read : List.of("SELECT count(*) FROM private_t",
          "SELECT * FROM (SELECT id FROM private_t WHERE id > 0)",
          "CREATE VIEW bobs_window AS SELECT * FROM private_t",
          "CREATE TABLE bobs_copy USING parquet AS SELECT * FROM private_t")) {
        SQLException e = assertThrows(SQLException.class, () -> query(bob, read), read);
        assertEquals(FlightStatusCode.UNAUTHORIZED, JobsClient.status(e), read + ": " + e);
        assertTrue(e.getMessage().contains("belongs to 'alice'")
            && e.getMessage().contains("libra.sql.private-by-default"), e.getMessage());
      }
      query(alice, "DROP TABLE private_t");
    }
  }

  private static String property(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW TBLPROPERTIES " + table + " ('libra.owner')")) {
      assertTrue(rs.next());
      return rs.getString(2);
    }
  }

  private static long ingest(LibraServer server, String user, String table,
      TableExistsOption ifExists) throws Exception {
    return IngestClient.ingest(server.port(), user, user + "-pw", "default", table, ifExists);
  }

  private static String query(Connection c, String sql) throws SQLException {
    return AuthGateway.column(c, sql, 1);
  }

  private static Connection connect(LibraServer server, String user) throws SQLException {
    return AuthGateway.connect(server, user);
  }
}
