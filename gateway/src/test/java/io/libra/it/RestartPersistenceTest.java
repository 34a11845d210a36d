package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Tables created through JDBC survive a gateway restart: the gateway runs in its own JVM with the
 * shipped conf/ (Hive catalog on embedded Derby, warehouse under the work dir).
 */
class RestartPersistenceTest {
  @Test
  void tableSurvivesRestart() throws Exception {
    Path work = Files.createTempDirectory("libra-restart-");
    try (GatewayProcess g = GatewayProcess.start(work)) {
      System.out.println("gateway ready in " + g.readyMillis + " ms (fresh work dir)");
      try (Connection c = DriverManager.getConnection(g.jdbcUrl());
          Statement s = c.createStatement()) {
        assertFalse(s.execute("CREATE TABLE t1 (id INT) USING parquet"));
        assertEquals(0, s.getUpdateCount());
        assertEquals(2, s.executeUpdate("INSERT INTO t1 VALUES (1),(2)"));
      }
    }
    try (GatewayProcess g = GatewayProcess.start(work)) {
      System.out.println("gateway ready in " + g.readyMillis + " ms (restart)");
      try (Connection c = DriverManager.getConnection(g.jdbcUrl());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM t1")) {
        assertTrue(rs.next());
        assertEquals(2L, rs.getLong(1));
        assertEquals(3L, rs.getLong(2));
      }
    }
    assertTrue(Files.isDirectory(work.resolve("metastore_db")));
    assertTrue(Files.isDirectory(work.resolve("warehouse/t1")));
  }

  @Test
  void unknownSettingFailsAtStartNamingFileAndKey() throws Exception {
    Path work = Files.createTempDirectory("libra-badconf-");
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class,
        () -> GatewayProcess.start(work, "libra.server.prot=1").close());
    assertTrue(e.getMessage().contains("unknown setting 'libra.server.prot'"), e.getMessage());
  }
}
